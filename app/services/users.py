"""Registration, login and user administration."""

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import AuthenticationError, ConflictError, NotFoundError, PermissionDeniedError
from app.models import Role, User
from app.schemas import USERNAME_PATTERN, UserAdminUpdate, UserCreate
from app.security import PasswordHasher
from app.services.pagination import PageResult, paginate

LOGIN_FAILED = "Incorrect username or password"
DUPLICATE_USER = "A user with this email or username already exists"


def register_user(db: Session, data: UserCreate, hasher: PasswordHasher) -> User:
    """Create a member account; the role is never taken from the request."""
    _ensure_available(db, data)
    # The check's transaction ends before the deliberately slow hash (see authenticate).
    db.commit()
    user = User(
        email=data.email,
        username=data.username,
        full_name=data.full_name,
        hashed_password=hasher.hash(data.password),
        # Equivalent mutants (None, or left out): the model's defaults are the same. Stated here
        # so that what a registration grants never rests on a default someone may change.
        role=Role.MEMBER,  # pragma: no mutate
        is_active=True,  # pragma: no mutate
    )
    db.add(user)
    try:
        db.commit()
    except IntegrityError as exc:
        # A concurrent registration won the race between our check and our insert.
        db.rollback()
        raise ConflictError(DUPLICATE_USER) from exc
    return user


def _ensure_available(db: Session, data: UserCreate) -> None:
    # A fast, friendly answer; the unique constraints are the real guard (see register_user).
    taken = db.scalar(
        select(User.id).where((User.email == data.email) | (User.username == data.username))
    )
    if taken is not None:
        raise ConflictError(DUPLICATE_USER)


def authenticate(db: Session, username: str, password: str, hasher: PasswordHasher) -> User:
    """Return the active user with these credentials; every failure looks and costs the same."""
    # Only a well-formed username can name an account. Anything else is unknown without asking
    # the database, which may refuse the very question (PostgreSQL raises on a NUL byte).
    user = None
    if re.fullmatch(USERNAME_PATTERN, username):
        user = db.scalar(select(User).where(User.username == username))
        # The deliberately slow hash (~150 ms) is checked after the transaction ends: held
        # across it, a transaction keeps a pooled connection busy and, on SQLite, a writing
        # request's write lock (app/database.py), queueing every other write behind a login.
        db.commit()
    if user is None:
        hasher.burn_time(password)
        raise AuthenticationError(LOGIN_FAILED)
    if not hasher.verify(password, user.hashed_password) or not user.is_active:
        raise AuthenticationError(LOGIN_FAILED)
    return user


def get_user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFoundError("User not found")
    return user


def get_visible_user(db: Session, user_id: int, viewer: User) -> User:
    """A deactivated account is hidden from members; admins see every account."""
    user = get_user(db, user_id)
    if not user.is_active and not viewer.is_admin:
        raise NotFoundError("User not found")
    return user


def _lock_admin_and_target(db: Session, admin: User, user_id: int) -> User:
    """Lock the acting admin's account and the changed one, read both afresh, recheck the admin.

    The admin's role was read, unlocked, when the token was resolved. Two admins demoting each
    other at once both passed that check and left no admin at all. Locked in id order (so the
    pair cannot deadlock) and re-read, the later request sees the earlier one's change: an admin
    who was just demoted is refused (403), one just deactivated is signed out (401). On SQLite
    writing requests already take turns at BEGIN (app/database.py); FOR UPDATE is not emitted.
    """
    query = (
        select(User)
        .where(User.id.in_({admin.id, user_id}))
        .order_by(User.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    locked = {user.id: user for user in db.scalars(query)}
    if admin.id not in locked or not admin.is_active:
        raise AuthenticationError()
    if not admin.is_admin:
        raise PermissionDeniedError()
    if user_id not in locked:
        raise NotFoundError("User not found")
    return locked[user_id]


def list_users(db: Session, *, limit: int, offset: int) -> PageResult[User]:
    return paginate(db, select(User).order_by(User.id), limit=limit, offset=offset)


def update_user_as_admin(db: Session, user_id: int, changes: UserAdminUpdate, admin: User) -> User:
    user = _lock_admin_and_target(db, admin, user_id)
    if user.id == admin.id:
        demoting = changes.role is not None and changes.role is not Role.ADMIN
        if demoting or changes.is_active is False:
            raise ConflictError("Admins cannot demote or deactivate themselves")
    if changes.role is not None:
        user.role = changes.role
    if changes.is_active is False and user.is_active:
        # Every token issued so far stops working, now and after any reactivation.
        user.token_version += 1
    if changes.is_active is not None:
        user.is_active = changes.is_active
    db.commit()
    return user
