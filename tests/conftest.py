"""Who is calling: named users for unit and API tests (step_defs has its own actors)."""

import os
import time
from collections.abc import Callable, Iterator

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
def local_time_not_utc() -> Iterator[None]:
    """The process's local time zone five hours behind UTC, as on a server set to New York
    time: for code that must give the same answer whatever zone the machine is in."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "EST5"  # POSIX notation, no tz database needed: UTC-5, no summer time
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()


@pytest.fixture
def anyio_backend() -> str:
    # anyio's own pytest plugin runs `@pytest.mark.anyio` tests; asyncio is what uvicorn runs.
    return "asyncio"


HeadersFor = Callable[[User], dict[str, str]]
"""The type of the root harness's `auth_headers` fixture."""
