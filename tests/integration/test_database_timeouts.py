"""Nothing waits on the database without a bound: each expiry is a 503 with Retry-After.

- A database host that accepts connections and never answers: DATABASE_CONNECT_TIMEOUT_SECONDS.
- A lock held by another connection: DATABASE_LOCK_TIMEOUT_SECONDS (PostgreSQL's lock_timeout,
  SQLite's busy timeout), and on PostgreSQL DATABASE_STATEMENT_TIMEOUT_SECONDS for any statement.
- Every pooled connection busy: DATABASE_POOL_TIMEOUT_SECONDS.

The app runs under uvicorn with real clients whose own timeout (CLIENT_BOUND_SECONDS) stands
for "hangs": before these settings, the silent host and the held lock ran into it. Latencies are
printed as figures, never asserted.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from app.config import Settings
from app.http_errors import DATABASE_UNAVAILABLE
from app.main import create_app
from app.security import create_access_token
from tests.harness.databases import is_postgres, target_url
from tests.support.uvicorn_server import Server, migrated_database, serving

# Far beyond every timeout set here: a request still unanswered then is a hang.
CLIENT_BOUND_SECONDS = 20.0
PASSWORD = "long-enough-pass"
ON_POSTGRES = is_postgres(target_url())


@contextmanager
def silent_host() -> Iterator[int]:
    """A TCP server on loopback that accepts every connection and never sends a byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()


def _timed(send: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = send()
    return response, time.perf_counter() - started


def _expect_unavailable(response: httpx.Response, server: Server | None = None) -> None:
    log = server.log() if server else ""
    assert response.status_code == 503, f"{response.status_code} {response.text}\n{log}"
    assert response.headers["Retry-After"] == "5"
    assert response.json()["detail"] == DATABASE_UNAVAILABLE


def test_a_database_host_that_never_answers_is_a_503_not_a_hang(tmp_path: Path) -> None:
    with silent_host() as port:
        url = f"postgresql+psycopg://app@127.0.0.1:{port}/items"
        settings = {"DATABASE_CONNECT_TIMEOUT_SECONDS": "2"}
        with (
            serving(url, tmp_path / "server.log", settings) as server,
            httpx.Client(base_url=server.base_url, timeout=CLIENT_BOUND_SECONDS) as client,
        ):
            login = {"username": "carol", "password": PASSWORD}
            # Both at once: each waits out the connect timeout on its own connection attempt.
            with ThreadPoolExecutor(max_workers=2) as pool:
                health_call = pool.submit(_timed, lambda: client.get("/health"))
                token_call = pool.submit(_timed, lambda: client.post("/token", data=login))
                health, health_seconds = health_call.result()
                token, token_seconds = token_call.result()

    print(
        f"\nsilent database host: /health {health.status_code} in {health_seconds:.1f}s, "
        f"/token {token.status_code} in {token_seconds:.1f}s"
    )
    _expect_unavailable(token, server)
    assert health.status_code == 503, health.text


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    with migrated_database(tmp_path, "timeouts") as url:
        yield url


def _sign_up(client: httpx.Client) -> dict[str, str]:
    body = {"email": "carol@example.com", "username": "carol", "password": PASSWORD}
    assert client.post("/users/", json=body).status_code == 201
    login = client.post("/token", data={"username": "carol", "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@contextmanager
def lock_held_elsewhere(database_url: str) -> Iterator[None]:
    """Another connection holds a lock on the items until the block ends: on PostgreSQL an
    exclusive lock on the table (as a migration's ALTER TABLE takes), on SQLite the write lock."""
    engine = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            _take_lock(connection, postgres=is_postgres(database_url))
            try:
                yield
            finally:
                connection.exec_driver_sql("ROLLBACK")
    finally:
        engine.dispose()


def _take_lock(connection: Connection, *, postgres: bool) -> None:
    if postgres:
        connection.exec_driver_sql("BEGIN")
        connection.execute(text("LOCK TABLE items IN ACCESS EXCLUSIVE MODE"))
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _touch_items(
    client: httpx.Client, headers: dict[str, str], *, postgres: bool
) -> httpx.Response:
    # On SQLite readers never wait (write-ahead log): only a write meets the lock.
    if postgres:
        return client.get("/items/", headers=headers)
    return client.post("/items/", json={"name": "Desk lamp", "price": "5.00"}, headers=headers)


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"DATABASE_LOCK_TIMEOUT_SECONDS": "1"}, id="lock timeout"),
        pytest.param(
            {"DATABASE_LOCK_TIMEOUT_SECONDS": "60", "DATABASE_STATEMENT_TIMEOUT_SECONDS": "1"},
            id="statement timeout",
            marks=pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has no statement timeout"),
        ),
    ],
)
def test_a_lock_held_elsewhere_is_a_503_and_the_service_recovers_once_it_is_released(
    database: str, tmp_path: Path, settings: dict[str, str]
) -> None:
    postgres = is_postgres(database)
    with (
        serving(database, tmp_path / "server.log", settings) as server,
        httpx.Client(base_url=server.base_url, timeout=CLIENT_BOUND_SECONDS) as client,
    ):
        headers = _sign_up(client)
        with lock_held_elsewhere(database):
            blocked, seconds = _timed(lambda: _touch_items(client, headers, postgres=postgres))
        after = _touch_items(client, headers, postgres=postgres)

    print(f"\nlock held elsewhere, {settings}: {blocked.status_code} in {seconds:.1f}s")
    _expect_unavailable(blocked, server)
    assert after.status_code in {200, 201}, after.text


def test_an_exhausted_pool_is_a_503_with_retry_after(
    database: str, test_settings: Settings
) -> None:
    settings = test_settings.model_copy(
        update={"database_url": database, "database_pool_timeout_seconds": 0.5}
    )
    app = create_app(settings)
    engine = app.state.engine
    capacity = engine.pool.size() + engine.pool._max_overflow
    held = [engine.connect() for _ in range(capacity)]
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            # Any validly signed token: looking its user up is what needs a connection.
            token = create_access_token(1, settings).access_token
            headers = {"Authorization": f"Bearer {token}"}
            response, seconds = _timed(lambda: client.get("/users/me/", headers=headers))
    finally:
        for connection in held:
            connection.close()
        engine.dispose()

    print(f"\npool of {capacity} exhausted: {response.status_code} in {seconds:.1f}s")
    _expect_unavailable(response)  # type: ignore[arg-type]
