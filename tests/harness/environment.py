"""The process around a test: its time zone and the async backend."""

import os
import time
from collections.abc import Iterator

import pytest


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
