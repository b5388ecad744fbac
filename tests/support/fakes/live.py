"""`@live` tests: the app's catalog is a real server on loopback instead of respx.

Any test or scenario marked `live` gets, through the ordinary `client` fixture, an app whose
catalog client is the app's own (its factory, timeout and retry) aimed at the fake catalog of
tests/support/fakes/catalog.py, with a short timeout. The harness leaves respx unstarted for
these tests, since it would intercept the loopback calls they exist to make.

respx stays the tool for exact, fast cases. Here the network itself is the subject: timeouts,
stalled bodies, resets and refused connections.
"""

from collections.abc import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI

from app.catalog import CatalogClient, make_http_client
from app.config import Settings
from app.dependencies import get_catalog
from tests.harness.overrides import overridden
from tests.support.fakes.catalog import CatalogServer, FakeCatalog

LIVE_MARKER = "live"
# Short, so each timeout costs a quarter of a second (loopback answers take ~5 ms), and the
# fake's "slow" mode waits far longer.
LIVE_TIMEOUT_SECONDS = 0.25


def is_live(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker(LIVE_MARKER) is not None


@pytest.fixture(scope="session")
def fake_catalog() -> Iterator[FakeCatalog]:
    with CatalogServer() as catalog:
        yield catalog


@pytest.fixture
def catalog_server(fake_catalog: FakeCatalog) -> Iterator[FakeCatalog]:
    """The session's fake catalog, in normal mode, reset after the test whatever it switched."""
    fake_catalog.reset()
    yield fake_catalog
    fake_catalog.reset()


@pytest.fixture(scope="session")
def live_settings(test_settings: Settings) -> Settings:
    return test_settings.model_copy(update={"catalog_timeout_seconds": LIVE_TIMEOUT_SECONDS})


@pytest.fixture(autouse=True)
def _live_catalog(request: pytest.FixtureRequest) -> Iterator[None]:
    """For `@live` tests only: the app's catalog dependency reaches the fake server."""
    if not is_live(request):
        yield
        return
    app: FastAPI = request.getfixturevalue("app")
    settings: Settings = request.getfixturevalue("live_settings")
    server: FakeCatalog = request.getfixturevalue("catalog_server")

    async def live_catalog() -> AsyncIterator[CatalogClient]:
        # Aimed where the fake says (its own port, or a closed one) at each request; a client
        # per request keeps one test's stalled connection out of the next test's pool.
        aimed = settings.model_copy(update={"catalog_base_url": server.base_url})
        async with make_http_client(aimed) as http:
            yield CatalogClient(
                http,
                retry_after_seconds=aimed.catalog_retry_after_seconds,
                max_body_bytes=aimed.catalog_max_body_bytes,
            )

    with overridden(app, get_catalog, live_catalog):
        yield
