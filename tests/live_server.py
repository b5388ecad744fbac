"""The app as deployments run it: uvicorn in a subprocess on a loopback port, over a database
the migrations built, and clients that fire at it together.

Used wherever real concurrency is the subject: races on the database (tests/test_concurrency.py),
the login throttle under a burst and across workers, a slow catalog starving the pool. Every
wait here is bounded; a server that never gets ready fails the test with its log.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.databases import alembic_config, is_postgres, target_url, throwaway_database

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 20
STARTUP_SECONDS = 30.0
REQUEST_SECONDS = 30.0
SERVER_ENV = {
    "ENVIRONMENT": "test",
    "SECRET_KEY": "concurrency-test-secret-key-0123456789abcdef",
    # Cheap argon2id, yet dearer than the in-process floor: a few milliseconds of hashing
    # between a check and the write that follows let most racers past the check, so the
    # guard under test, not luck, decides.
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
def migrated_database(purpose: str, directory: Path) -> Iterator[str]:
    """A fresh database with the schema the migrations build, as a deployment would have:
    a throwaway PostgreSQL database when TEST_DATABASE_URL names one, else a SQLite file."""
    if is_postgres(target_url()):
        with throwaway_database(target_url(), purpose) as url:
            command.upgrade(alembic_config(url), "head")
            yield url
        return
    url = f"sqlite+pysqlite:///{directory / f'{purpose}.db'}"
    command.upgrade(alembic_config(url), "head")
    yield url


@contextmanager
def serve(
    database_url: str,
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
) -> Iterator[Server]:
    """uvicorn serving app.main:app until the block ends; retried on another port if the one
    chosen was taken before uvicorn could bind it."""
    with log_path.open("w", encoding="utf-8") as log:
        for _attempt in range(3):
            port = free_port()
            process = _start_uvicorn(database_url, port, log, env or {}, workers)
            try:
                server = Server(f"http://127.0.0.1:{port}", log_path, process.pid)
                if _wait_until_ready(server, process, workers):
                    yield server
                    return
            finally:
                _stop(process)
    raise RuntimeError(f"uvicorn never became ready; its log:\n{log_path.read_text('utf-8')}")


def free_port() -> int:
    # The port is free now; if another process takes it before uvicorn binds, serve() retries.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_uvicorn(
    database_url: str, port: int, log: IO[str], env: Mapping[str, str], workers: int
) -> subprocess.Popen[bytes]:
    inherited = {k: v for k, v in os.environ.items() if k not in INHERITED_SETTINGS_DROPPED}
    environment = {**inherited, **SERVER_ENV, "DATABASE_URL": database_url, **env}
    command_line = [sys.executable, "-m", "uvicorn", "app.main:app"]
    command_line += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    if workers > 1:
        command_line += ["--workers", str(workers)]
    return subprocess.Popen(
        command_line, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )


def _wait_until_ready(server: Server, process: subprocess.Popen[bytes], workers: int) -> bool:
    """The server answers, and every worker has started (the first to start answers first)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(base_url=server.base_url, timeout=1.0) as client:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answered = client.get("/health").status_code == 200
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
