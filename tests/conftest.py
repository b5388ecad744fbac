"""Who is calling: named users for unit and API tests (step_defs has its own actors)."""

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from app.models import User
from tests.factories import UserFactory


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
def anyio_backend() -> str:
    # anyio's own pytest plugin runs `@pytest.mark.anyio` tests; asyncio is what uvicorn runs.
    return "asyncio"


HeadersFor = Callable[[User], dict[str, str]]
"""The type of the root harness's `auth_headers` fixture."""
