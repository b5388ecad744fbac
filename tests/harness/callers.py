"""Who is calling: named users for unit and API tests, and the tokens they send.

The acceptance steps name their own actors (step_defs/conftest.py); both sign tokens here.
"""

import pytest
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import User
from tests.harness.types import HeadersFor, TokenFor
from tests.support import tokens
from tests.support.factories import UserFactory


@pytest.fixture
def member(db_session: Session) -> User:
    return UserFactory()


@pytest.fixture
def other_member(db_session: Session) -> User:
    return UserFactory()


@pytest.fixture
def admin(db_session: Session) -> User:
    return UserFactory(admin=True)


@pytest.fixture
def token_for(test_settings: Settings) -> TokenFor:
    """A real signed token for `user`, exactly as login would issue it."""

    def make(user: User) -> str:
        return tokens.genuine(test_settings, user.id)

    return make


@pytest.fixture
def auth_headers(token_for: TokenFor) -> HeadersFor:
    def make(user: User) -> dict[str, str]:
        return {"Authorization": tokens.bearer(token_for(user))}

    return make
