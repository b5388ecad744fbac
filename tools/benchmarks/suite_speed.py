"""How fast the acceptance suite runs with our harness, against the seed article's recipe.

One invocation, arms alternating round by round after one unmeasured warm-up, all on the same
scenarios (`pytest step_defs`, fixed order, no cache):

- ours: one rolled-back transaction per test (SAVEPOINTs), argon2id at its floor;
- the article's recipe: create_all before and drop_all after every test, sessions committing
  for real, production hashing (the plugin article_recipe.py beside this script:
  --isolation=recreate --hashing=production); and, to tell the two causes apart, its
  schema-per-test isolation alone with our hashing;
- ours under `-n 2`;
- ours, and the article's isolation, on PostgreSQL when TEST_DATABASE_URL is set;
- with --whole-suite, the whole suite (`pytest`: unit and acceptance) and its fast core
  (`-m "not slow"`, without the heavyweight integration tests), serially and under `-n 2`.

It also measures the floor of the acceptance run: the HTTP requests its scenarios made (counted
by tools/benchmarks/request_count.py) times one bare TestClient request to a trivial endpoint, plus
per test the harness's isolation (connection, transaction, session, and back). Prints tests,
wall times (median of the rounds), the median scenario, the speed-ups and suite time / floor.

    .venv/bin/python tools/benchmarks/suite_speed.py [--rounds 3] [--whole-suite]
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python tools/benchmarks/suite_speed.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import trees  # noqa: E402
from floor import bare_request_seconds, isolation_seconds, per_call  # noqa: E402

from tools.machine import describe  # noqa: E402

ACCEPTANCE = ["step_defs"]
WHOLE: list[str] = []  # pyproject's testpaths


@dataclass
class Arm:
    name: str
    paths: list[str]
    env: dict[str, str] = field(default_factory=dict)
    workers: int = 0
    extra: list[str] = field(default_factory=list)
    # Under xdist the counter would run in each worker; the serial arms count.
    count_requests: bool = True
    walls: list[float] = field(default_factory=list)
    # CPU seconds of pytest and its workers: steadier than wall time on a busy machine.
    cpus: list[float] = field(default_factory=list)
    tests: int = 0
    per_test: list[float] = field(default_factory=list)
    in_tests: list[float] = field(default_factory=list)
    requests: int | None = None

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)


def run_arm(arm: Arm, scratch: Path) -> None:
    timed = trees.run_pytest(
        trees.checkout(),
        [*arm.paths, "-n", str(arm.workers), *arm.extra],
        scratch,
        env=arm.env,
        count_requests=arm.count_requests and arm.workers == 0,
    )
    arm.walls.append(timed.wall)
    arm.cpus.append(timed.cpu)
    arm.tests = len(timed.times)
    arm.per_test.append(timed.median_test)
    arm.in_tests.append(timed.in_tests)
    if timed.requests is not None:
        arm.requests = timed.requests


def client_start_seconds() -> float:
    """What the harness's `client` adds per test: a TestClient on the session's running app."""
    from fastapi.testclient import TestClient

    from app.main import create_app
    from tests.harness.settings import make_test_settings

    app = create_app(make_test_settings())

    with TestClient(app) as serving:

        def one_client() -> None:
            client = TestClient(app)
            client.portal = serving.portal
            client.close()

        return per_call(one_client, batch=100)


def arms_for(args: argparse.Namespace) -> list[Arm]:
    recipe = ["-p", "article_recipe", "--isolation=recreate"]
    article = [*recipe, "--hashing=production"]
    arms = [
        Arm("ours (SQLite)", ACCEPTANCE),
        Arm("article: recreate + production hashing", ACCEPTANCE, extra=article),
        Arm("recreate only (our hashing)", ACCEPTANCE, extra=recipe),
        Arm("ours -n 2", ACCEPTANCE, workers=2),
    ]
    postgres = os.environ.get("TEST_DATABASE_URL")
    if postgres:
        on_postgres = {"TEST_DATABASE_URL": postgres}
        arms += [
            Arm("ours (PostgreSQL)", ACCEPTANCE, env=on_postgres),
            Arm(
                "recreate only (PostgreSQL)",
                ACCEPTANCE,
                env=on_postgres,
                extra=recipe,
            ),
        ]
    if args.whole_suite:
        arms += [
            Arm("whole suite", WHOLE),
            Arm("whole suite -n 2", WHOLE, workers=2),
            Arm('fast core (-m "not slow")', WHOLE, extra=["-m", "not slow"]),
            Arm("fast core -n 2", WHOLE, workers=2, extra=["-m", "not slow"]),
        ]
    return arms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--whole-suite", action="store_true", help="also time `pytest` (unit + acceptance)"
    )
    args = parser.parse_args()
    print(describe(), flush=True)
    arms = arms_for(args)

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        run_arm(Arm("warm-up", ACCEPTANCE), scratch)  # .pyc files, page cache
        for round_number in range(1, args.rounds + 1):
            for arm in arms:
                run_arm(arm, scratch)
            print(
                f"round {round_number} (load average {os.getloadavg()[0]:.2f}): "
                + ", ".join(f"{arm.name} {arm.walls[-1]:.2f} s" for arm in arms),
                flush=True,
            )

    bare = bare_request_seconds()
    isolation = isolation_seconds()
    client_start = client_start_seconds()

    print()
    print(
        f"{'arm':<42} {'tests':>5} {'wall s':>7} {'CPU s':>6} {'in tests s':>10} "
        f"{'median test ms':>14}"
    )
    for arm in arms:
        print(
            f"{arm.name:<42} {arm.tests:>5} {arm.wall:>7.2f} {statistics.median(arm.cpus):>6.2f} "
            f"{statistics.median(arm.in_tests):>10.2f} "
            f"{1000 * statistics.median(arm.per_test):>14.2f}"
        )

    ours, article, recreate, parallel = arms[:4]
    print()
    print(f"speed-up over the article's recipe: {article.wall / ours.wall:.1f}x")
    print(f"  of which schema-per-test alone:   {recreate.wall / ours.wall:.2f}x")
    print(f"-n 2 speed-up over serial:          {ours.wall / parallel.wall:.2f}x")
    by_name = {arm.name: arm for arm in arms}
    if "ours (PostgreSQL)" in by_name:
        postgres = by_name["ours (PostgreSQL)"]
        recreate_pg = by_name["recreate only (PostgreSQL)"]
        print(f"PostgreSQL / SQLite:                {postgres.wall / ours.wall:.2f}x")
        print(f"recreate / ours on PostgreSQL:      {recreate_pg.wall / postgres.wall:.2f}x")
    if "whole suite" in by_name:
        whole, whole_parallel = by_name["whole suite"], by_name["whole suite -n 2"]
        core, core_parallel = by_name['fast core (-m "not slow")'], by_name["fast core -n 2"]
        print(f"whole suite -n 2 speed-up:          {whole.wall / whole_parallel.wall:.2f}x")
        print(f"fast core -n 2 speed-up:            {core.wall / core_parallel.wall:.2f}x")

    requests = ours.requests or 0
    floor = requests * bare + ours.tests * isolation
    print()
    print(
        f"floor: {requests} requests x {1000 * bare:.3f} ms (bare TestClient request) "
        f"+ {ours.tests} tests x {1000 * isolation:.3f} ms (isolation) = {floor:.2f} s"
    )
    print(
        f"  not in the floor: a new client per test (on the session's running app) "
        f"{1000 * client_start:.3f} ms, x {ours.tests} = {ours.tests * client_start:.2f} s"
    )
    in_tests = statistics.median(ours.in_tests)
    print(f"suite wall time / floor:            {ours.wall / floor:.1f}x")
    print(f"time inside tests / floor:          {in_tests / floor:.1f}x")
    print(f"process start + collection:         {ours.wall - in_tests:.2f} s")


if __name__ == "__main__":
    main()
