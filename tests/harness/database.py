"""The database: one engine and schema per run, one rolled-back transaction per test.

Per test, a connection opens an outer transaction; the test's session and every request's
session join it through SAVEPOINTs, so application code may commit freely and the rollback at
the end leaves the database exactly as the session fixture created it.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import Protocol

import pytest
from fastapi import FastAPI
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.config import Settings
from app.database import get_db, make_engine
from app.models import Base
from app.security import PasswordHasher
from tests.harness.databases import is_postgres, target_url, throwaway_database
from tests.harness.overrides import overridden
from tests.harness.schema import create_schema
from tests.support.factories import bind_factories


class Isolation(Protocol):
    """How one test's writes are kept from the next: its connection, and the sessions on it."""

    def connect(self, engine: Engine) -> AbstractContextManager[Connection]: ...

    def session(self, connection: Connection) -> Session: ...


class RolledBackTransaction:
    """The harness's isolation: an outer transaction per test, rolled back at its end."""

    @contextmanager
    def connect(self, engine: Engine) -> Iterator[Connection]:
        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                yield connection
            finally:
                transaction.rollback()

    def session(self, connection: Connection) -> Session:
        return Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )


ISOLATION = pytest.StashKey[Isolation]()
"""Where a plugin may put another isolation (the benchmark's schema-per-test recipe)."""


@pytest.fixture(scope="session")
def isolation(pytestconfig: pytest.Config) -> Isolation:
    return pytestconfig.stash.get(ISOLATION, RolledBackTransaction())


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """In-memory SQLite (one per process), or a PostgreSQL database of this worker's own.

    Under `pytest -n N` each worker creates and drops its own database beside the one
    TEST_DATABASE_URL names, so workers never see each other's rows.
    """
    url = target_url()
    if not is_postgres(url):
        yield url
        return
    with throwaway_database(url, "suite") as worker_url:
        yield worker_url


@pytest.fixture(scope="session")
def engine(test_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(test_settings.database_url)
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        # The tables, and alembic's record that they are at the head revision (/health asks).
        create_schema(connection)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def connection(engine: Engine, isolation: Isolation) -> Iterator[Connection]:
    with isolation.connect(engine) as connection:
        yield connection


@pytest.fixture
def db_session(
    connection: Connection, isolation: Isolation, hasher: PasswordHasher
) -> Iterator[Session]:
    """The test's own session; factories write through it."""
    session = isolation.session(connection)
    with bind_factories(session, hasher):
        yield session
    session.close()


# The app's session factories (app/main.py), which its own `get_db` picks from per request.
SESSION_FACTORIES = ("session_factory", "writing_session_factory")


@pytest.fixture
def request_sessions(app: FastAPI, connection: Connection, isolation: Isolation) -> Iterator[None]:
    """Every request gets a fresh session joined to the test's transaction.

    The app's own `get_db` runs, its session factories bound to the test's connection for the
    test. (A dependency override of `get_db` did the same, but FastAPI rebuilds the dependency
    of an override at every request: ~0.5 ms of CPU a request that reads the database.) A test
    may still override `get_db` itself (a database that fails): overrides come first.
    """
    state = app.state
    previous = {name: getattr(state, name) for name in SESSION_FACTORIES}
    for name in SESSION_FACTORIES:
        setattr(state, name, partial(isolation.session, connection))
    try:
        yield
    finally:
        for name, factory in previous.items():
            setattr(state, name, factory)


@pytest.fixture
def unreachable_database(app: FastAPI, request_sessions: None, tmp_path: Path) -> Iterator[None]:
    """Requests get a session on a database file that cannot be opened: a database that is
    down, for the health check's and the error answers' tests (an override of `get_db` comes
    before the harness's own sessions)."""
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'missing-dir' / 'app.db'}")

    def broken_db() -> Iterator[Session]:
        with Session(engine) as session:
            yield session

    with overridden(app, get_db, broken_db):
        yield
    engine.dispose()
