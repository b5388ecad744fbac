"""A slow catalog: one deadline for the whole call, retry included, and no database connection
held while the catalog is awaited.

httpx's timeout bounds each read, not the call: a catalog that sends a byte just sooner than the
timeout keeps a call open for as long as it likes. The fake catalog's `drip` mode does exactly
that (tests/support/fakes/catalog.py). Nothing here asserts on wall time: a drip that is cut off
answers 504 where, uncut, it would have answered 200 once its body was complete.
"""

import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.catalog import CatalogClient, CatalogTimeout
from app.config import Settings
from app.dependencies import get_current_user_releasing_db
from app.errors import AuthenticationError
from app.models import User
from app.security import create_access_token
from tests.harness.types import HeadersFor
from tests.support.fakes.catalog import FakeCatalog, Mode
from tests.support.uvicorn_server import Server, migrated_database, serving

# --- the catalog client on its own --------------------------------------------------------------

DEADLINE = 0.5
TokenFor = Callable[[User], str]  # the root harness's `token_for` fixture
ITEM = {"id": "abc-1", "title": "Brass desk lamp"}


class Dripping(httpx.AsyncByteStream):
    """A body that never ends, a byte at a time: no read ever waits long."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            yield b" "
            await anyio.sleep(0.01)


@asynccontextmanager
async def catalog_answering(
    handler: Callable[[httpx.Request], Awaitable[httpx.Response]],
) -> AsyncIterator[CatalogClient]:
    transport = httpx.MockTransport(handler)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://catalog.test", timeout=DEADLINE
    ) as http:
        yield CatalogClient(http)


@pytest.mark.anyio
async def test_the_deadline_bounds_the_whole_call_not_each_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def drip(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, stream=Dripping())

    # The test's own bound, far beyond the deadline: without one, the call would never end.
    with anyio.fail_after(10):
        async with catalog_answering(drip) as catalog:
            with pytest.raises(CatalogTimeout):
                await catalog.fetch_item("abc-1")

    assert f"catalog gave no whole answer within {DEADLINE}s for abc-1" in caplog.text


@pytest.mark.anyio
async def test_the_retry_shares_the_deadline_of_the_first_attempt() -> None:
    attempts: list[str] = []

    async def refuse_then_answer(request: httpx.Request) -> httpx.Response:
        # Each attempt alone fits in the deadline (0.3 s of 0.5 s); the two together do not.
        attempts.append(request.url.path)
        await anyio.sleep(0.6 * DEADLINE)
        if len(attempts) == 1:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json=ITEM)

    async with catalog_answering(refuse_then_answer) as catalog:
        with pytest.raises(CatalogTimeout):
            await catalog.fetch_item("abc-1")

    assert attempts == ["/data/abc-1", "/data/abc-1"]


@pytest.mark.anyio
async def test_a_catalog_answering_within_the_deadline_is_heard() -> None:
    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=ITEM)

    async with catalog_answering(answer) as catalog:
        assert await catalog.fetch_item("abc-1") == ITEM
        assert catalog.deadline_seconds == DEADLINE, "the HTTP client's timeout bounds the call"


# --- the caller is looked up, then the database let go -----------------------------------------


def test_the_caller_is_found_and_the_session_let_go_before_the_catalog_is_awaited(
    connection: Connection, member: User, token_for: TokenFor, test_settings: Settings
) -> None:
    session = Session(bind=connection, join_transaction_mode="create_savepoint")

    caller = get_current_user_releasing_db(session, test_settings, token_for(member))

    assert caller.id == member.id
    assert not session.in_transaction(), "no transaction, so no connection, is held"


def test_the_session_is_let_go_when_the_caller_is_refused_too(
    connection: Connection, test_settings: Settings
) -> None:
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    deleted_user = create_access_token(987_654, test_settings).access_token

    with pytest.raises(AuthenticationError):
        get_current_user_releasing_db(session, test_settings, deleted_user)

    assert not session.in_transaction()


# --- in process, the catalog on loopback (@live: tests/support/fakes/live.py, a 0.25 s limit)


@pytest.mark.live
def test_a_catalog_dripping_its_answer_is_cut_off_at_the_deadline(
    client: TestClient, catalog_server: FakeCatalog, member: User, auth_headers: HeadersFor
) -> None:
    catalog_server.set_mode(Mode.DRIP)

    response = client.get("/external-item/lamp-42", headers=auth_headers(member))

    assert response.status_code == 504, response.text
    assert response.json() == {"detail": "External service timed out"}
    assert catalog_server.requests == ["/data/lamp-42"], "a timeout is not retried"


# --- under uvicorn: item reads while the catalog drips ------------------------------------------

DRIPS = 20  # more than the database pool holds (5 + 10 overflow): each used to keep one
READS = 10
# The app's catalog limit here: long enough that the reads surely happen while every drip is
# still in flight (10 reads on loopback take well under a second, even on a busy machine; the
# test says so if they did not), short enough that the drips end well before the fake lets go
# (30 s). Every drip waits it out: it is this test's wall time.
DEADLINE_SECONDS = 5
# Bounds on waiting, not expectations: a pool that is starved times out after 30 s.
WAIT_SECONDS = 45.0
PASSWORD = "long-enough-pass"


@pytest.fixture
def server(catalog_server: FakeCatalog, tmp_path: Path) -> Iterator[Server]:
    env = {
        "CATALOG_BASE_URL": catalog_server.base_url,
        "CATALOG_TIMEOUT_SECONDS": str(DEADLINE_SECONDS),
    }
    with (
        migrated_database(tmp_path, "drip") as database_url,
        serving(database_url, tmp_path / "server.log", environment=env) as server,
    ):
        yield server


def signed_in(http: httpx.Client) -> dict[str, str]:
    account = {"email": "reader@example.com", "username": "reader", "password": PASSWORD}
    assert http.post("/users/", json=account).status_code == 201
    token = http.post("/token", data={"username": "reader", "password": PASSWORD})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_item_reads_are_answered_while_the_catalog_drips_to_every_caller(
    server: Server, catalog_server: FakeCatalog
) -> None:
    catalog_server.set_mode(Mode.DRIP)
    limits = httpx.Limits(max_connections=DRIPS + READS, max_keepalive_connections=DRIPS + READS)
    with (
        httpx.Client(base_url=server.base_url, timeout=WAIT_SECONDS, limits=limits) as http,
        ThreadPoolExecutor(max_workers=DRIPS + READS) as pool,
    ):
        headers = signed_in(http)
        drips = [
            pool.submit(http.get, f"/external-item/lamp-{n}", headers=headers) for n in range(DRIPS)
        ]
        # Every call is then waiting on the catalog (a call that was cut off and retried would
        # show twice: hence the distinct paths).
        reached = wait_until(lambda: len(set(catalog_server.requests)) == DRIPS, WAIT_SECONDS)
        assert reached, (
            f"only {len(set(catalog_server.requests))} of {DRIPS} calls reached the catalog: the"
            f" others waited for a database connection\n{server.log()}"
        )

        reads = [pool.submit(http.get, "/items/", headers=headers) for _ in range(READS)]
        read_statuses = Counter(read.result(timeout=WAIT_SECONDS).status_code for read in reads)
        drips_answered = sum(drip.done() for drip in drips)
        drips_in_flight = catalog_server.in_flight

        drip_statuses = Counter(drip.result(timeout=WAIT_SECONDS).status_code for drip in drips)

    assert read_statuses == Counter({200: READS}), server.log()
    assert (drips_answered, drips_in_flight) == (0, DRIPS), "reads came back while drips went on"
    assert drip_statuses == Counter({504: DRIPS}), server.log()
