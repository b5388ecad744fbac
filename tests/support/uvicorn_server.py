"""The app under uvicorn on a loopback port, over a migrated database, and clients fired together.

The in-process suite shares one connection per test, so it cannot race and cannot meet a
database that hangs. Tests that need either serve the app for real: a uvicorn process (one or
several workers) on a free port, over a database the migrations built (a SQLite file, or a
throwaway PostgreSQL database when TEST_DATABASE_URL names a server), with real clients in
parallel threads. Used for races, database timeouts and faults, the login throttle under a burst
and across workers, a slow catalog starving the pool, and the load test's plain listing
(tools/loadtests/plain_app.py) answering what the app does. Every wait is bounded: start-up, each
request, each burst; a server that never gets ready fails the test with its log.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.harness.databases import alembic_config, is_postgres, target_url, throwaway_database

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
# Settings the server must never inherit from the shell that runs the tests.
INHERITED_SETTINGS_DROPPED = ("DATABASE_URL", "REDIS_URL", "REDIS_KEY_PREFIX", "CATALOG_BASE_URL")


@dataclass(frozen=True)
class Server:
    base_url: str
    log_path: Path
    # uvicorn's process (the parent, with several workers): benchmarks read its memory.
    pid: int = 0

    def log(self) -> str:
        """What uvicorn printed, for failure messages (a 500 shows its traceback here)."""
        return self.log_path.read_text(encoding="utf-8")


@contextmanager
def migrated_database(tmp_path: Path, purpose: str) -> Iterator[str]:
    """A database with the schema the migrations build, as a deployment would have: a
    throwaway PostgreSQL database when the suite runs on PostgreSQL, else a SQLite file."""
    base = target_url()
    if is_postgres(base):
        with throwaway_database(base, purpose) as url:
            command.upgrade(alembic_config(url), "head")
            yield url
        return
    url = f"sqlite+pysqlite:///{tmp_path / f'{purpose}.db'}"
    command.upgrade(alembic_config(url), "head")
    yield url


# As `make serve` serves the app (no `server` header), without an access log in the test output.
UVICORN_FLAGS = ("--no-server-header", "--no-access-log")


@contextmanager
def serving(
    database_url: str,
    log_path: Path,
    environment: Mapping[str, str] | None = None,
    *,
    flags: Sequence[str] = UVICORN_FLAGS,
    workers: int = 1,
    target: str = "app.main:app",
) -> Iterator[Server]:
    """uvicorn serving `target` (the app by default) over `database_url` until the block ends.

    `environment` adds settings (e.g. DATABASE_LOCK_TIMEOUT_SECONDS, REDIS_URL) to SERVER_ENV's;
    `flags` are uvicorn's options but where it listens (127.0.0.1, a free port) and how many
    `workers` it runs. Retried on another port if the one chosen was taken before uvicorn bound it.
    """
    variables = {**SERVER_ENV, **(environment or {}), "DATABASE_URL": database_url}
    if workers > 1:
        flags = [*flags, "--workers", str(workers)]
    with log_path.open("w", encoding="utf-8") as log:
        for _attempt in range(3):
            port = free_port()
            process = _start_uvicorn(variables, port, log, flags, target)
            try:
                server = Server(f"http://127.0.0.1:{port}", log_path, process.pid)
                if _wait_until_ready(server, process, workers):
                    yield server
                    return
            finally:
                _stop(process)
    raise AssertionError(f"uvicorn never started; its log:\n{log_path.read_text(encoding='utf-8')}")


def free_port() -> int:
    # The port is free now; if another process takes it before uvicorn binds, we try again.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_uvicorn(
    variables: Mapping[str, str],
    port: int,
    log: IO[str],
    flags: Sequence[str],
    target: str,
) -> subprocess.Popen[bytes]:
    inherited = {k: v for k, v in os.environ.items() if k not in INHERITED_SETTINGS_DROPPED}
    environment = {**inherited, **variables}
    command_line = [sys.executable, "-m", "uvicorn", target, *flags]
    command_line += ["--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(
        command_line, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )


def _wait_until_ready(server: Server, process: subprocess.Popen[bytes], workers: int) -> bool:
    """Up once it answers anything at all (a server over a broken database answers 503) and
    every worker has started (the first to start answers first)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    # /openapi.json touches no database, so a hanging database cannot hold up the start.
    with httpx.Client(base_url=server.base_url, timeout=1.0) as client:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                client.get("/openapi.json")
                answered = True
            except httpx.TransportError:
                answered = False
            if answered and server.log().count("Application startup complete.") >= workers:
                return True
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
    server: Server,
    send: Callable[[httpx.Client, int], httpx.Response],
    clients: int = CLIENTS,
) -> Counter[int]:
    """Run `send(client, n)` for n in 0..clients-1 in as many threads, released together."""
    start = threading.Barrier(clients, timeout=REQUEST_SECONDS)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS, limits=limits) as client:

        def one(n: int) -> int:
            start.wait()
            return send(client, n).status_code

        with ThreadPoolExecutor(max_workers=clients) as pool:
            return Counter(pool.map(one, range(clients)))


def count_rows(database_url: str, sql: str, **params: object) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def execute(database_url: str, sql: str, **params: object) -> None:
    """One statement, committed, on a connection of its own (not the server's)."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()
