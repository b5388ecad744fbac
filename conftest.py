"""The shared harness: one engine and app per session, one rolled-back transaction per test.

Per test, a connection opens an outer transaction; the test's session and every request's
session join it through SAVEPOINTs, so application code may commit freely and the rollback at
the end leaves the database exactly as the session fixture created it.
"""

import os
from collections.abc import Callable, Iterator

import pytest
import respx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.config import Environment, Settings
from app.database import get_db, make_engine
from app.main import create_app
from app.models import Base, User
from app.security import PasswordHasher, create_access_token
from tests.factories import bind_factories

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
CATALOG_BASE_URL = "http://catalog.test"

# argon2id at its floor: ~1 ms instead of ~150 ms per hash. tests/test_security.py pins
# the production parameters so this profile can never leak into what ships.
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost_kib": 8, "argon2_parallelism": 1}


def make_test_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": Environment.TEST,
        "database_url": os.environ.get("TEST_DATABASE_URL", "sqlite+pysqlite://"),
        "secret_key": TEST_SECRET_KEY,
        "catalog_base_url": CATALOG_BASE_URL,
        "catalog_timeout_seconds": 2.0,
        **FAST_HASHING,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def test_settings() -> Settings:
    return make_test_settings()


@pytest.fixture(scope="session")
def engine(test_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(test_settings.database_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def hasher(test_settings: Settings) -> PasswordHasher:
    return PasswordHasher.from_settings(test_settings)


@pytest.fixture(scope="session")
def app(test_settings: Settings) -> FastAPI:
    return create_app(test_settings)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


def _joined_session(connection: Connection) -> Session:
    return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db_session(connection: Connection, hasher: PasswordHasher) -> Iterator[Session]:
    """The test's own session; factories write through it."""
    session = _joined_session(connection)
    with bind_factories(session, hasher):
        yield session
    session.close()


@pytest.fixture
def override_db(app: FastAPI, connection: Connection) -> Iterator[None]:
    """Every request gets a fresh session joined to the test's transaction."""

    def test_db() -> Iterator[Session]:
        with _joined_session(connection) as session:
            yield session

    previous = app.dependency_overrides.get(get_db)
    app.dependency_overrides[get_db] = test_db
    yield
    if previous is None:
        app.dependency_overrides.pop(get_db, None)
    else:
        app.dependency_overrides[get_db] = previous


@pytest.fixture
def catalog_mock(test_settings: Settings) -> Iterator[respx.MockRouter]:
    """Outbound HTTP is mocked; a request to anything not routed fails the test loudly."""
    with respx.mock(base_url=test_settings.catalog_base_url, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(
    app: FastAPI, db_session: Session, override_db: None, catalog_mock: respx.MockRouter
) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


TokenFor = Callable[[User], str]
HeadersFor = Callable[[User], dict[str, str]]


@pytest.fixture
def token_for(test_settings: Settings) -> TokenFor:
    """A real signed token for `user`, exactly as login would issue it."""

    def make(user: User) -> str:
        return create_access_token(user.id, test_settings).access_token

    return make


@pytest.fixture
def auth_headers(token_for: TokenFor) -> HeadersFor:
    def make(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(user)}"}

    return make
