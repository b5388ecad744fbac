"""The shared harness: one engine and app per session, one rolled-back transaction per test.

Per test, a connection opens an outer transaction; the test's session and every request's
session join it through SAVEPOINTs, so application code may commit freely and the rollback at
the end leaves the database exactly as the session fixture created it.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest
import respx
from anyio.from_thread import BlockingPortal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.config import Environment, Settings
from app.database import get_db, make_engine
from app.main import create_app
from app.models import Base, User
from app.security import PasswordHasher, create_access_token
from app.services.throttle import LoginThrottle
from tests.databases import is_postgres, target_url, throwaway_database
from tests.factories import bind_factories
from tests.fakes.clock import FakeClock
from tests.secret_scan import assert_no_secrets

# pytester proves the guards bite (tests/test_guards.py); the guards fail async and undefined steps
# (and bring step_defs/step_lookup.py, which remembers pytest-bdd's step lookups per module).
# livingdoc records the scenarios for the living documentation, only under --living-docs=DIR.
# tests.fakes.live serves a fake catalog on loopback for the @live tests.
pytest_plugins = ["pytester", "step_defs.guards", "livingdoc.plugin", "tests.fakes.live"]

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
CATALOG_BASE_URL = "http://catalog.test"

# argon2id at its floor: ~1 ms instead of ~150 ms per hash. tests/test_security.py pins
# the production parameters so this profile can never leak into what ships.
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost_kib": 8, "argon2_parallelism": 1}


# Heavyweight integration tests: nested pytest runs (pytester, subprocesses), a browser,
# schemathesis, real servers on loopback, migrations, schema validation. Marked `slow`, so
# `pytest -m "not slow"` is the fast inner loop (unit and acceptance); `make test` runs all.
SLOW_MODULES = frozenset(
    {
        "tests/livingdoc/test_plugin.py",
        "tests/livingdoc/test_browser.py",
        "tests/test_openapi_fuzz.py",
        "tests/test_catalog_live.py",
        "tests/test_concurrency.py",
        "tests/test_migrations.py",
        "tests/test_ci_workflow.py",
        "tests/test_guards.py",
        # uvicorn on loopback: a login burst, two workers on Redis, a dripping catalog.
        "tests/test_login_throttle_race.py",
        "tests/test_throttle_store_redis.py",
        "tests/test_catalog_deadline.py",
    }
)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # Deselecting still imports a module and builds its items: schemathesis alone spends ~3 s
    # generating cases at collection. The inner loop skips the heavyweight modules unread.
    if config.getoption("markexpr", "").strip() != "not slow":
        return None
    return collection_path.relative_to(config.rootpath).as_posix() in SLOW_MODULES or None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("::", 1)[0] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def _benchmark_switch(name: str, *choices: str) -> str:
    value = os.environ.get(name, choices[0])
    if value not in choices:
        raise pytest.UsageError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


# Benchmark-only switches: benchmarks/suite_speed.py times this harness against the seed
# article's recipe on the same scenarios. Never set them for a real run.
#   TEST_ISOLATION=savepoint (ours, default) | recreate: create_all before and drop_all after
#     every test, every session on the engine itself, committing for real.
#   TEST_HASHING=fast (ours, default) | production: argon2id with the parameters that ship.
RECREATE_SCHEMA = _benchmark_switch("TEST_ISOLATION", "savepoint", "recreate") == "recreate"
PRODUCTION_HASHING = _benchmark_switch("TEST_HASHING", "fast", "production") == "production"


def make_test_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": Environment.TEST,
        "database_url": target_url(),
        "secret_key": TEST_SECRET_KEY,
        "catalog_base_url": CATALOG_BASE_URL,
        "catalog_timeout_seconds": 2.0,
        # The in-process suite's throttle counts in memory, per test (`login_clock`), whatever
        # REDIS_URL the shell exports; tests/test_throttle_store_redis.py covers Redis.
        "redis_url": None,
        **({} if PRODUCTION_HASHING else FAST_HASHING),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


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
def test_settings(database_url: str) -> Settings:
    return make_test_settings(database_url=database_url)


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
def app(test_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(test_settings)
    yield app
    # Pooled connections would otherwise outlive the worker's database.
    app.state.engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    if RECREATE_SCHEMA:
        # The article's recipe (benchmark only): a schema built for this test and dropped after
        # it, once every session on it has closed (they are torn down before this fixture).
        Base.metadata.create_all(engine)
        with engine.connect() as connection:
            yield connection
        Base.metadata.drop_all(engine)
        return
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


def _joined_session(connection: Connection) -> Session:
    if RECREATE_SCHEMA:
        return Session(bind=connection.engine, expire_on_commit=False)
    return Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


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
def catalog_mock(
    request: pytest.FixtureRequest, test_settings: Settings
) -> Iterator[respx.MockRouter]:
    """Outbound HTTP is mocked; a request to anything not routed fails the test loudly.

    Except in `@live` tests, whose catalog is a real server on loopback (tests/fakes/live.py):
    there the router is handed out but never started, so it intercepts nothing.
    """
    # using="httpx": two patches (the clients' transport lookup) instead of twelve on httpcore.
    router = respx.mock(
        base_url=test_settings.catalog_base_url, assert_all_called=False, using="httpx"
    )
    if request.node.get_closest_marker("live") is not None:
        yield router
        return
    with router:
        yield router


ResponseHook = Callable[[httpx2.Response], None]


@pytest.fixture
def response_hooks() -> list[ResponseHook]:
    """Called with every response the `client` receives; a plugin may append its own."""
    return [assert_no_secrets]


@pytest.fixture
def login_clock(app: FastAPI) -> Iterator[FakeClock]:
    """A fresh login throttle per test, so failed logins never leak between tests; its clock
    moves only when the test advances it."""
    clock = FakeClock()
    previous = app.state.login_throttle
    app.state.login_throttle = LoginThrottle.from_settings(app.state.settings, clock=clock)
    yield clock
    app.state.login_throttle = previous


@pytest.fixture(scope="session")
def serving(app: FastAPI) -> Iterator[BlockingPortal]:
    """The app, started once: its lifespan (hasher warm-up, the catalog's pooled client) and the
    event loop thread that serves every test's requests.

    Started per test instead, the lifespan and a new loop thread cost ~1.9 ms for each of the
    ~1,100 tests that make requests: more than all their requests together.
    """
    with TestClient(app) as starter:
        assert starter.portal is not None
        yield starter.portal


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(
    app: FastAPI,
    serving: BlockingPortal,
    db_session: Session,
    override_db: None,
    catalog_mock: respx.MockRouter,
    login_clock: FakeClock,
    response_hooks: list[ResponseHook],
) -> Iterator[MakeClient]:
    """Fresh TestClients (their own cookies and hooks) sending to the app the session started.

    Never entered with `with`: that would run a second lifespan over the session's app state.
    """
    made: list[TestClient] = []

    def make(**options: bool) -> TestClient:
        client = TestClient(app, **options)
        client.portal = serving
        client.event_hooks["response"].extend(response_hooks)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


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
