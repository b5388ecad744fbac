"""Races against a real server: uvicorn on a loopback port, PostgreSQL behind it.

The in-process suite shares one connection per test, so it cannot race; here N clients fire
the same request at once, through separate connections and transactions. Several pass the
friendly "already taken?" check together; the unique constraint must then turn every loser
into a 409, never a 500 and never a second row.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.harness.databases import alembic_config, is_postgres, target_url, throwaway_database

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.skipif(
        not is_postgres(target_url()),
        reason="races need a server database: set TEST_DATABASE_URL=postgresql+psycopg://...",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
STARTUP_SECONDS = 30.0
REQUEST_SECONDS = 30.0
SERVER_ENV = {
    "ENVIRONMENT": "test",
    "SECRET_KEY": "concurrency-test-secret-key-0123456789abcdef",
    # Cheap argon2id, yet dearer than the in-process floor: a few milliseconds of hashing
    # between the "already taken?" check and the INSERT let most racers past the check, so
    # the unique constraint, not the check, decides.
    "ARGON2_TIME_COST": "1",
    "ARGON2_MEMORY_COST_KIB": "4096",
    "ARGON2_PARALLELISM": "1",
}


@pytest.fixture(scope="module")
def server_database() -> Iterator[str]:
    """A fresh database with the schema the migrations build, as a deployment would have."""
    with throwaway_database(target_url(), "race") as url:
        command.upgrade(alembic_config(url), "head")
        yield url


@dataclass(frozen=True)
class Server:
    base_url: str
    log_path: Path

    def log(self) -> str:
        """What uvicorn printed, for failure messages (a 500 shows its traceback here)."""
        return self.log_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server(server_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log_path = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with log_path.open("w", encoding="utf-8") as log:
        for _attempt in range(3):
            port = _free_port()
            process = _start_uvicorn(server_database, port, log)
            try:
                server = Server(f"http://127.0.0.1:{port}", log_path)
                if _wait_until_ready(server.base_url, process):
                    yield server
                    return
            finally:
                _stop(process)
    pytest.fail(f"uvicorn never became ready; its log:\n{log_path.read_text(encoding='utf-8')}")


def _free_port() -> int:
    # The port is free now; if another process takes it before uvicorn binds, we try again.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_uvicorn(database_url: str, port: int, log: IO[str]) -> subprocess.Popen[bytes]:
    environment = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url}
    command_line = [sys.executable, "-m", "uvicorn", "app.main:app"]
    command_line += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    return subprocess.Popen(
        command_line, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(base_url=base_url, timeout=1.0) as client:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if client.get("/health").status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def fire_at_once(
    server: Server, send: Callable[[httpx.Client, int], httpx.Response]
) -> Counter[int]:
    """Run `send(client, n)` for n in 0..CLIENTS-1 in as many threads, released together."""
    start = threading.Barrier(CLIENTS, timeout=REQUEST_SECONDS)
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)

    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS, limits=limits) as client:

        def one(n: int) -> int:
            start.wait()
            return send(client, n).status_code

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            return Counter(pool.map(one, range(CLIENTS)))


def count_rows(database_url: str, sql: str, **params: object) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("email_of", "username_of"),
    [
        pytest.param(lambda _: "race@example.com", lambda n: f"racer_{n}", id="same-email"),
        pytest.param(lambda n: f"racer{n}@example.org", lambda _: "racer", id="same-username"),
    ],
)
def test_simultaneous_registrations_create_exactly_one_user(
    server: Server,
    server_database: str,
    email_of: Callable[[int], str],
    username_of: Callable[[int], str],
) -> None:
    def register(client: httpx.Client, n: int) -> httpx.Response:
        body = {"email": email_of(n), "username": username_of(n), "password": "long-enough-pass"}
        return client.post("/users/", json=body)

    statuses = fire_at_once(server, register)

    assert statuses == Counter({201: 1, 409: CLIENTS - 1}), server.log()
    rows = count_rows(
        server_database,
        "SELECT count(*) FROM users WHERE email = :email OR username = :username",
        email=email_of(0),
        username=username_of(0),
    )
    assert rows == 1


def test_one_owner_creating_the_same_item_at_once_gets_exactly_one(
    server: Server, server_database: str
) -> None:
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as client:
        owner = {"email": "owner@example.com", "username": "owner", "password": "long-enough-pass"}
        assert client.post("/users/", json=owner).status_code == 201
        login = client.post("/token", data={"username": "owner", "password": owner["password"]})
        assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    def create(client: httpx.Client, _n: int) -> httpx.Response:
        return client.post("/items/", json={"name": "Desk lamp", "price": "25.00"}, headers=headers)

    statuses = fire_at_once(server, create)

    assert statuses == Counter({201: 1, 409: CLIENTS - 1}), server.log()
    rows = count_rows(
        server_database,
        "SELECT count(*) FROM items JOIN users ON users.id = items.owner_id"
        " WHERE users.username = 'owner' AND items.name = 'Desk lamp'",
    )
    assert rows == 1
