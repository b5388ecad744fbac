"""The process around a test: its time zone, the async backend, and its garbage collector."""

import gc
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


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """What importing and collecting built (~150,000 objects: modules, classes, test items)
    lives until the process ends, so the garbage collector stops walking it.

    Every full collection walked all of it: those Python runs on its own as tests allocate, and
    the two pytest forces at the end of every run, even `--collect-only`, to report exceptions
    raised in finalizers (~0.1 s each here). Objects made by the tests are still collected and
    their finalizers still report. What is frozen is never freed by the collector, which at
    this point is ~400 objects of garbage from importing (measured), not worth a collection.
    An app stopping (app/main.py's lifespan) unfreezes everything, this included: from then on
    the collector walks it again, as before.
    """
    gc.freeze()
