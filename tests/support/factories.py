"""factory-boy factories: one per model, traits for variants, bound to the per-test session.

The harness (tests/harness/database.py) binds every factory to the test's session
(``bind_factories``) and restores the previous binding afterwards, so factories work in unit
tests and step definitions alike.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.orm import Session

from app.models import Item, Role, User
from app.security import PasswordHasher

DEFAULT_PASSWORD = "correct-horse-battery"


class _HasherHolder:
    """The hasher the harness chose (cheap by default); users are hashed with it."""

    hasher: PasswordHasher | None = None


def _hash(password: str) -> str:
    if _HasherHolder.hasher is None:
        raise RuntimeError("factories are not bound: ask for the harness's `db_session` fixture")
    return _HasherHolder.hasher.hash(password)


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session = None
        # Commit releases the test's SAVEPOINT, so the app's own session sees the rows.
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    class Params:
        password = DEFAULT_PASSWORD
        admin = factory.Trait(role=Role.ADMIN)
        inactive = factory.Trait(is_active=False)

    username = factory.Sequence(lambda n: f"user_{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    full_name = factory.Faker("name")
    hashed_password = factory.LazyAttribute(lambda o: _hash(o.password))
    role = Role.MEMBER
    is_active = True


class ItemFactory(BaseFactory):
    class Meta:
        model = Item

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Item {n}")
    description = factory.Faker("sentence", nb_words=8)
    price = factory.Faker(
        "pydecimal", left_digits=3, right_digits=2, positive=True, min_value=Decimal("0.01")
    )


ALL_FACTORIES: tuple[type[BaseFactory], ...] = (UserFactory, ItemFactory)


@contextmanager
def bind_factories(session: Session, hasher: PasswordHasher) -> Iterator[None]:
    previous = [(f, f._meta.sqlalchemy_session) for f in ALL_FACTORIES]
    previous_hasher = _HasherHolder.hasher
    for f in ALL_FACTORIES:
        f._meta.sqlalchemy_session = session
    _HasherHolder.hasher = hasher
    try:
        yield
    finally:
        for f, old in previous:
            f._meta.sqlalchemy_session = old
        _HasherHolder.hasher = previous_hasher
