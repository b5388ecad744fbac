"""The floor of an acceptance run, part by part: one bare TestClient request to a trivial
endpoint, and the harness's per-test isolation. suite_speed.py and targets.py multiply them by
the requests the run made (request_count.py) and its tests.

    python tools/benchmarks/floor.py    # in a tree (cwd, PYTHONPATH): prints both, as JSON

targets.py runs it so in each arm's tree: the isolation measured is that tree's harness.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable


def per_call(action: Callable[[], object], *, batch: int = 500, batches: int = 7) -> float:
    """Seconds per call: the median over batches of each batch's mean, after a warm-up batch."""
    for _ in range(batch // 5):
        action()
    means = []
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(batch):
            action()
        means.append((time.perf_counter() - started) / batch)
    return statistics.median(means)


def bare_request_seconds() -> float:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    bare = FastAPI()

    # A plain `def`, as the app's routes are: the same hop to the thread pool.
    @bare.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    with TestClient(bare) as client:
        return per_call(lambda: client.get("/ping"))


def isolation_seconds() -> float:
    """The harness's per-test isolation, as its fixtures do it, on in-memory SQLite."""
    from sqlalchemy import Engine

    from app.database import make_engine
    from app.models import Base
    from tests.harness.database import RolledBackTransaction

    engine: Engine = make_engine("sqlite+pysqlite://")
    Base.metadata.create_all(engine)
    isolation = RolledBackTransaction()

    def one_test() -> None:
        with isolation.connect(engine) as connection:
            isolation.session(connection).close()

    try:
        return per_call(one_test)
    finally:
        engine.dispose()


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path.cwd()))  # the tree's app and harness, as pytest's rootdir
    print(json.dumps({"request": bare_request_seconds(), "isolation": isolation_seconds()}))
