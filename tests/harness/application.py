"""The app under test: built and started once per run, a fresh client per test.

Every client sends to the one running app; its requests get sessions joined to the test's
transaction (database.py), outbound HTTP is mocked with respx, failed logins are counted by a
throttle of the test's own, and every response is scanned for secrets.
"""

from collections.abc import Iterator

import pytest
import respx
from anyio.from_thread import BlockingPortal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from app.services.throttle import LoginThrottle
from tests.harness.one_hop_client import OneHopClient
from tests.harness.types import MakeClient, ResponseHook
from tests.support.fakes.clock import FakeClock
from tests.support.secret_scan import assert_no_secrets


@pytest.fixture(scope="session")
def app(test_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(test_settings)
    yield app
    # Pooled connections would otherwise outlive the worker's database.
    app.state.engine.dispose()


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


def _catalog_router(test_settings: Settings) -> respx.MockRouter:
    # using="httpx": two patches (the clients' transport lookup) instead of twelve on httpcore.
    return respx.mock(
        base_url=test_settings.catalog_base_url, assert_all_called=False, using="httpx"
    )


@pytest.fixture(scope="session")
def catalog_router(test_settings: Settings) -> respx.MockRouter:
    """One router for the run, started per test by `catalog_mock`.

    Leaving its `with` block rolls it back to the routes and calls it had when it started
    (none): what a test routes or calls stays with that test. Built per test instead, respx's
    call lists (unittest.mock objects) cost more than the rest of the fixture.
    """
    return _catalog_router(test_settings)


@pytest.fixture
def catalog_mock(
    request: pytest.FixtureRequest, test_settings: Settings, catalog_router: respx.MockRouter
) -> Iterator[respx.MockRouter]:
    """Outbound HTTP is mocked; a request to anything not routed fails the test loudly.

    Except in `@live` tests, whose catalog is a real server on loopback
    (tests/support/fakes/live.py): there a router of the test's own is handed out but never
    started, so it intercepts nothing (and, never rolled back, it is not the shared one).
    """
    if request.node.get_closest_marker("live") is not None:
        yield _catalog_router(test_settings)
        return
    with catalog_router:
        yield catalog_router


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


@pytest.fixture
def make_client(
    app: FastAPI,
    serving: BlockingPortal,
    db_session: Session,
    request_sessions: None,
    catalog_mock: respx.MockRouter,
    login_clock: FakeClock,
    response_hooks: list[ResponseHook],
) -> Iterator[MakeClient]:
    """Fresh TestClients (their own cookies and hooks) sending to the app the session started.

    Each request is one hop to the session's event loop (one_hop_client.py), not Starlette's ~8.
    Never entered with `with`: that would run a second lifespan over the session's app state.
    """
    made: list[TestClient] = []

    def make(**options: bool) -> TestClient:
        client = OneHopClient(app, **options)
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
