"""Figures for docs/reliability.md: the app under uvicorn on loopback, facing bursts, several
workers, a dripping catalog and hostile catalog bodies. Prints answers per status, latencies and
memory; asserts nothing (the tests do that: see docs/reliability.md).

    .venv/bin/python tools/benchmarks/reliability_figures.py [--only login,workers,drip,hostile]
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python tools/benchmarks/reliability_figures.py
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python tools/benchmarks/reliability_figures.py

Bounded in count and time: at most 60 clients at once, every request times out after 60 s.
The database is a migrated SQLite file in a temporary directory, or a throwaway PostgreSQL
database beside TEST_DATABASE_URL's. REDIS_URL, when set, is handed to the servers (with a key
prefix of this run's own) so the login figures show the shared store.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.harness.databases import target_url  # noqa: E402
from tests.support.fakes.catalog import CatalogServer, FakeCatalog, Mode  # noqa: E402
from tests.support.uvicorn_server import Server, migrated_database, serving  # noqa: E402

RIGHT = "correct-horse-battery"
WRONG = "not-the-password"
REQUEST_SECONDS = 60.0
RACE_HASHING = {"ARGON2_MEMORY_COST_KIB": "16384", "ARGON2_TIME_COST": "2"}


def redis_env() -> dict[str, str]:
    url = os.environ.get("REDIS_URL")
    if not url:
        return {}
    return {"REDIS_URL": url, "REDIS_KEY_PREFIX": f"figures:{uuid.uuid4().hex}:"}


@contextmanager
def app_server(
    directory: Path, name: str, env: dict[str, str], workers: int = 1
) -> Iterator[Server]:
    with (
        migrated_database(directory, name) as url,
        serving(url, directory / f"{name}.log", environment=env, workers=workers) as server,
    ):
        yield server


def timed(send: Callable[[], httpx.Response]) -> tuple[int, float]:
    started = time.monotonic()
    try:
        status = send().status_code
    except httpx.TimeoutException:
        status = 0  # no answer within REQUEST_SECONDS
    return status, time.monotonic() - started


def burst(
    server: Server, clients: int, send: Callable[[httpx.Client, int], httpx.Response]
) -> list[tuple[int, float]]:
    """`send(client, n)` from `clients` threads released together: (status, seconds) each."""
    start = threading.Barrier(clients, timeout=REQUEST_SECONDS)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS, limits=limits) as http:

        def one(n: int) -> tuple[int, float]:
            start.wait()
            return timed(lambda: send(http, n))

        with ThreadPoolExecutor(max_workers=clients) as pool:
            return list(pool.map(one, range(clients)))


def describe(results: list[tuple[int, float]]) -> str:
    statuses = Counter(status for status, _ in results)
    seconds = sorted(elapsed for _, elapsed in results)
    shown = ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(statuses.items()))
    return (
        f"{shown}; latency p50 {statistics.median(seconds) * 1000:.0f} ms, "
        f"max {seconds[-1] * 1000:.0f} ms"
    )


def register(server: Server, username: str) -> dict[str, str]:
    account = {"email": f"{username}@example.com", "username": username, "password": RIGHT}
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as http:
        http.post("/users/", json=account).raise_for_status()
        token = http.post("/token", data={"username": username, "password": RIGHT})
        token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def login_figures(directory: Path) -> None:
    print("== 1. login throttle under a burst (1 worker) ==")
    with app_server(directory, "login", {**RACE_HASHING, **redis_env()}) as server:
        for clients in (30, 60):
            name = f"burst{clients}"
            register(server, name)
            guesses = burst(
                server,
                clients,
                lambda http, _n, name=name: http.post(  # type: ignore[misc]
                    "/token", data={"username": name, "password": WRONG}
                ),
            )
            print(f"{clients} wrong passwords at once: {describe(guesses)}")
        register(server, "burst_right")

        def guess_then_right(http: httpx.Client, n: int) -> httpx.Response:
            if n == 29:
                time.sleep(0.05)  # the right password is sent last, just after the guesses
            password = RIGHT if n == 29 else WRONG
            return http.post("/token", data={"username": "burst_right", "password": password})

        mixed = burst(server, 30, guess_then_right)
        right = mixed[-1][0]
        print(
            f"29 wrong, then the right one 50 ms later: {describe(mixed)}; the right one: {right}"
        )


def workers_figures(directory: Path) -> None:
    store = "Redis" if os.environ.get("REDIS_URL") else "memory"
    print(f"== 2. login throttle across 2 workers ({store} store) ==")
    with app_server(directory, "workers", {**RACE_HASHING, **redis_env()}, workers=2) as server:
        register(server, "two_workers")
        answers = []
        for _ in range(20):
            # A new connection each time, so the kernel spreads them over both workers.
            with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as http:
                answers.append(
                    timed(
                        lambda http=http: http.post(  # type: ignore[misc]
                            "/token", data={"username": "two_workers", "password": WRONG}
                        )
                    )
                )
        print(f"20 wrong passwords one after another: {describe(answers)}")


def catalog_env(catalog: FakeCatalog) -> dict[str, str]:
    # The default catalog limit (2 s), as deployed.
    return {"CATALOG_BASE_URL": catalog.base_url}


def drip_figures(directory: Path) -> None:
    print("== 3. a catalog dripping one byte a second (CATALOG_TIMEOUT_SECONDS=2) ==")
    catalog = FakeCatalog(drip_seconds=1.0, drip_bytes=30, max_hold_seconds=40)
    with CatalogServer(catalog), app_server(directory, "drip", catalog_env(catalog)) as server:
        headers = register(server, "dripped")
        catalog.set_mode(Mode.DRIP)
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as http:
            one = timed(lambda: http.get("/external-item/one", headers=headers))
        print(f"one call: {describe([one])}")
        drips, reads = 20, 10
        limits = httpx.Limits(max_connections=drips + reads)
        with (
            httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS, limits=limits) as http,
            ThreadPoolExecutor(max_workers=drips + reads) as pool,
        ):
            dripping = [
                pool.submit(timed, lambda n=n: http.get(f"/external-item/d{n}", headers=headers))
                for n in range(drips)
            ]
            time.sleep(1.5)  # the calls are in: each one waits on the catalog
            reached = len({path for path in catalog.requests if path.startswith("/data/d")})
            reading = [
                pool.submit(timed, lambda: http.get("/items/", headers=headers))
                for _ in range(reads)
            ]
            read_results = [future.result() for future in reading]
            print(f"{reads} GET /items/ while {drips} calls drip ({reached} reached the catalog):")
            print(f"  reads: {describe(read_results)}")
            print(f"  drips: {describe([future.result() for future in dripping])}")


def memory_mib(pid: int) -> tuple[float, float]:
    """(resident now, resident at the peak) of a process, in MiB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def gzip_bomb(decoded_mib: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(b'{"notes": "')]
    parts += [compressor.compress(b"0" * 1024 * 1024) for _ in range(decoded_mib)]
    return b"".join([*parts, compressor.compress(b'"}') + compressor.flush()])


def hostile_figures(directory: Path) -> None:
    print("== 4. hostile catalog bodies ==")
    json_type = {"content-type": "application/json"}
    bomb = gzip_bomb(300)
    bodies = {
        "JSON nested 5,000 deep": (b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", json_type),
        'a lone surrogate "\\ud800"': (b'{"name": "\\ud800"}', json_type),
        "not UTF-8 (an encoded surrogate)": (b'{"name": "\xed\xa0\x80"}', json_type),
        "NaN": (b'{"price": NaN}', json_type),
        "1e999": (b'{"price": 1e999}', json_type),
        "20 MB": (b'{"notes": "' + b"x" * (20 * 1024 * 1024) + b'"}', json_type),
        f"gzip bomb, {len(bomb) // 1024} KB -> 300 MB": (
            bomb,
            {**json_type, "content-encoding": "gzip"},
        ),
    }
    catalog = FakeCatalog()
    with CatalogServer(catalog):
        for name, (body, headers) in bodies.items():
            # A server per body, so each peak of memory is that body's own.
            with app_server(directory, "hostile", catalog_env(catalog)) as server:
                auth = register(server, "hostile")
                catalog.serve_raw(body, headers)
                before, _ = memory_mib(server.pid)
                with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as http:
                    result = timed(partial(http.get, "/external-item/x", headers=auth))
                _, peak = memory_mib(server.pid)
                print(f"{name}: {describe([result])}; memory {before:.0f} MiB, peak {peak:.0f} MiB")
            (directory / "hostile.db").unlink(missing_ok=True)


SECTIONS: dict[str, Callable[[Path], None]] = {
    "login": login_figures,
    "workers": workers_figures,
    "drip": drip_figures,
    "hostile": hostile_figures,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    args = parser.parse_args()
    database = "PostgreSQL" if "postgresql" in target_url() else "SQLite file"
    python = platform.python_version()
    print(f"{platform.node()}: {os.cpu_count()} CPUs, Python {python}, {database}")
    with tempfile.TemporaryDirectory() as directory:
        for name in args.only.split(","):
            SECTIONS[name](Path(directory))


if __name__ == "__main__":
    main()
