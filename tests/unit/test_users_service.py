"""Registration, login and administration of users, through the service functions."""

import contextlib
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import AuthenticationError, ConflictError, NotFoundError
from app.models import Role, User
from app.schemas import UserAdminUpdate, UserCreate
from app.security import PasswordHasher
from app.services.users import (
    DUPLICATE_USER,
    LOGIN_FAILED,
    authenticate,
    get_user,
    get_visible_user,
    list_users,
    register_user,
    update_user_as_admin,
)
from tests.support.factories import DEFAULT_PASSWORD, UserFactory
from tests.support.sql_log import sql_sent


def _new_user(**overrides: Any) -> UserCreate:
    fields = {"email": "carol@example.com", "username": "carol", "password": "long-enough"}
    return UserCreate(**{**fields, **overrides})


def _user_count(db: Session) -> int:
    return db.scalar(select(func.count(User.id))) or 0


# --- registration -----------------------------------------------------------------------


def test_registration_creates_an_active_member(db_session: Session, hasher: PasswordHasher) -> None:
    user = register_user(db_session, _new_user(full_name="Carol"), hasher)

    assert (user.username, user.email, user.full_name) == ("carol", "carol@example.com", "Carol")
    assert user.role is Role.MEMBER
    assert user.is_active
    assert user.hashed_password != "long-enough"
    assert hasher.verify("long-enough", user.hashed_password)


@pytest.mark.parametrize(
    "clash",
    [
        pytest.param({"email": "carol@example.com", "username": "someone"}, id="same email"),
        pytest.param({"email": "CAROL@Example.com", "username": "someone"}, id="email any case"),
        pytest.param({"email": "other@example.com", "username": "carol"}, id="same username"),
    ],
)
def test_a_taken_email_or_username_is_a_conflict(
    db_session: Session,
    hasher: PasswordHasher,
    clash: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    UserFactory(username="carol", email="carol@example.com")
    hashed: list[str] = []
    monkeypatch.setattr(hasher, "hash", hashed.append)

    with pytest.raises(ConflictError, match=DUPLICATE_USER):
        register_user(db_session, _new_user(**clash), hasher)
    assert _user_count(db_session) == 1
    # Found by the check, before argon2 spends its time (and memory) on the password; the
    # unique constraints are for the race the check cannot see.
    assert hashed == []


def test_losing_the_registration_race_is_a_conflict_and_the_session_survives(
    db_session: Session, hasher: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    UserFactory(username="carol", email="carol@example.com")
    # The pre-check runs before a concurrent insert lands: only the unique constraint sees it.
    monkeypatch.setattr(db_session, "scalar", lambda *args, **kwargs: None)

    with pytest.raises(ConflictError, match=DUPLICATE_USER):
        register_user(db_session, _new_user(), hasher)

    monkeypatch.undo()
    assert _user_count(db_session) == 1
    register_user(db_session, _new_user(email="dave@example.com", username="dave"), hasher)
    assert _user_count(db_session) == 2


# --- login ------------------------------------------------------------------------------


def test_the_right_password_authenticates(db_session: Session, hasher: PasswordHasher) -> None:
    user = UserFactory(username="carol")
    assert authenticate(db_session, "carol", DEFAULT_PASSWORD, hasher) == user


@pytest.mark.parametrize(
    ("password", "active"),
    [
        pytest.param("not-the-password", True, id="wrong password"),
        pytest.param(DEFAULT_PASSWORD, False, id="deactivated"),
    ],
)
def test_a_known_user_is_refused_with_the_common_message(
    db_session: Session, hasher: PasswordHasher, password: str, active: bool
) -> None:
    UserFactory(username="carol", is_active=active)

    with pytest.raises(AuthenticationError, match=LOGIN_FAILED):
        authenticate(db_session, "carol", password, hasher)


@pytest.mark.parametrize(
    "username",
    [
        pytest.param("Carol", id="upper case"),
        pytest.param("carol\x00", id="NUL byte"),
        pytest.param("c" * 33, id="too long"),
    ],
)
def test_a_username_no_account_can_have_is_refused_without_asking_the_database(
    db_session: Session, hasher: PasswordHasher, username: str
) -> None:
    UserFactory(username="carol")

    with sql_sent(db_session) as sent, pytest.raises(AuthenticationError, match=LOGIN_FAILED):
        authenticate(db_session, username, DEFAULT_PASSWORD, hasher)
    # PostgreSQL refuses a NUL byte in a query outright: that would be a 500, not a 401.
    assert sent == []


def test_an_unknown_user_costs_a_dummy_verification(
    db_session: Session, hasher: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    burned: list[str] = []
    monkeypatch.setattr(hasher, "burn_time", burned.append)

    with pytest.raises(AuthenticationError, match=LOGIN_FAILED) as failure:
        authenticate(db_session, "nobody", "typed-password", hasher)

    assert burned == ["typed-password"]
    assert failure.value.headers == {"WWW-Authenticate": "Bearer"}


# --- reading ----------------------------------------------------------------------------


def test_an_unknown_user_is_not_found(db_session: Session) -> None:
    with pytest.raises(NotFoundError, match="User not found"):
        get_user(db_session, 999)


def test_a_deactivated_account_is_hidden_from_members(db_session: Session, member: User) -> None:
    hidden = UserFactory(inactive=True)

    with pytest.raises(NotFoundError, match="User not found"):
        get_visible_user(db_session, hidden.id, member)


def test_a_deactivated_account_is_visible_to_admins(db_session: Session, admin: User) -> None:
    hidden = UserFactory(inactive=True)
    assert get_visible_user(db_session, hidden.id, admin) == hidden


def test_an_active_account_is_visible_to_members(db_session: Session, member: User) -> None:
    other = UserFactory()
    assert get_visible_user(db_session, other.id, member) == other


# --- listing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "offset", "expected_indexes"),
    [
        pytest.param(20, 0, [0, 1, 2, 3, 4], id="all on one page"),
        pytest.param(2, 0, [0, 1], id="first page"),
        pytest.param(2, 4, [4], id="last partial page"),
        pytest.param(1, 4, [4], id="last row exactly"),
        pytest.param(5, 5, [], id="just past the end"),
        pytest.param(10, 100, [], id="far past the end"),
    ],
)
def test_users_are_listed_by_id_one_page_at_a_time(
    db_session: Session, limit: int, offset: int, expected_indexes: list[int]
) -> None:
    users = sorted(UserFactory.create_batch(5), key=lambda user: user.id)

    with sql_sent(db_session) as sent:
        page = list_users(db_session, limit=limit, offset=offset)

    assert page.items == [users[i] for i in expected_indexes]
    assert (page.total, page.limit, page.offset) == (5, limit, offset)
    # Asked for, not left to the engine (PostgreSQL promises no order without ORDER BY).
    assert "ORDER BY users.id" in sent[-1]


def test_an_empty_listing_has_a_total_of_zero(db_session: Session) -> None:
    page = list_users(db_session, limit=20, offset=0)
    assert (page.items, page.total) == ([], 0)


# --- administration ---------------------------------------------------------------------


def test_an_admin_can_promote_and_deactivate_another_user(
    db_session: Session, admin: User, member: User
) -> None:
    changes = UserAdminUpdate(role=Role.ADMIN, is_active=False)

    updated = update_user_as_admin(db_session, member.id, changes, admin)

    db_session.refresh(updated)
    assert (updated.role, updated.is_active) == (Role.ADMIN, False)


def test_an_empty_change_leaves_the_user_as_it_was(
    db_session: Session, admin: User, member: User
) -> None:
    updated = update_user_as_admin(db_session, member.id, UserAdminUpdate(), admin)
    assert (updated.role, updated.is_active) == (Role.MEMBER, True)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(UserAdminUpdate(role=Role.MEMBER), id="demote"),
        pytest.param(UserAdminUpdate(is_active=False), id="deactivate"),
    ],
)
def test_an_admin_cannot_demote_or_deactivate_themselves(
    db_session: Session, admin: User, changes: UserAdminUpdate
) -> None:
    with pytest.raises(ConflictError, match="cannot demote or deactivate themselves"):
        update_user_as_admin(db_session, admin.id, changes, admin)

    db_session.refresh(admin)
    assert (admin.role, admin.is_active) == (Role.ADMIN, True)


def test_an_admin_may_confirm_their_own_role_and_status(db_session: Session, admin: User) -> None:
    changes = UserAdminUpdate(role=Role.ADMIN, is_active=True)
    assert update_user_as_admin(db_session, admin.id, changes, admin).is_admin


def test_changing_an_unknown_user_is_not_found(db_session: Session, admin: User) -> None:
    with pytest.raises(NotFoundError, match="User not found"):
        update_user_as_admin(db_session, 999, UserAdminUpdate(is_active=False), admin)


# --- no transaction held across a password hash ------------------------------------------


@pytest.fixture
def in_transaction_when_hashing(
    db_session: Session, hasher: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> list[bool]:
    """For each hash, verification or dummy verification: was a transaction open?"""
    seen: list[bool] = []
    for name in ("hash", "verify", "burn_time"):
        real = getattr(hasher, name)

        def spy(*args: str, real: Any = real) -> Any:
            seen.append(db_session.in_transaction())
            return real(*args)

        monkeypatch.setattr(hasher, name, spy)
    return seen


@pytest.mark.parametrize(
    "username", [pytest.param("carol", id="known user"), pytest.param("nobody", id="unknown user")]
)
def test_a_login_checks_the_password_after_its_transaction_ends(
    db_session: Session,
    hasher: PasswordHasher,
    in_transaction_when_hashing: list[bool],
    username: str,
) -> None:
    UserFactory(username="carol")
    in_transaction_when_hashing.clear()  # the factory hashed carol's password
    db_session.scalar(select(func.count(User.id)))  # a transaction is open, as in a request

    with contextlib.suppress(AuthenticationError):  # the unknown user's outcome
        authenticate(db_session, username, DEFAULT_PASSWORD, hasher)

    assert in_transaction_when_hashing == [False]


def test_a_registration_hashes_the_password_outside_any_transaction(
    db_session: Session, hasher: PasswordHasher, in_transaction_when_hashing: list[bool]
) -> None:
    register_user(db_session, _new_user(), hasher)

    assert in_transaction_when_hashing == [False]
