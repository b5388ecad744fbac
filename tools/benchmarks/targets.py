"""Issue 16's targets 1-4, this checkout ("ours") side by side with today's design (a baseline
commit, 0e23f22 by default) in one run, with each target and whether it is met.

The baseline runs from `git archive <commit>` extracted into a temporary folder, with its own app,
harness, steps and living-documentation plugin (trees.py; where each loads from is printed first).
Every figure is measured for both arms, the arms alternating round by round (and which goes first),
after one unmeasured acceptance run per arm that also counts its HTTP requests (request_count.py)
and one collection of the other suites it runs; the medians of the rounds are shown.

1. start-up: wall of `pytest step_defs --collect-only -q`.
2. per scenario: the median acceptance test (JUnit XML times of `pytest step_defs`); the time
   inside the acceptance tests against its floor: requests x one bare TestClient request to a
   trivial endpoint (measured in both trees, averaged) + tests x the harness's isolation
   (floor.py, measured in each arm's tree).
3. whole runs: the acceptance suite serially; the fast core (`pytest -m "not slow"`); with
   --whole-suite the whole suite serially (minutes); with TEST_DATABASE_URL set, the acceptance
   suite (and with --whole-suite the whole suite) on PostgreSQL, as a ratio to SQLite.
4. growth (growth.py): the suite grown to 200, 1,000 and 5,000 scenarios with synthetic copies
   of its features; the cost per added scenario and whether it stays flat.

    .venv/bin/python tools/benchmarks/targets.py [--baseline 0e23f22] [--rounds 3]
        [--whole-suite] [--sizes 200,1000,5000] [--growth-rounds 3]
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python tools/benchmarks/targets.py --whole-suite

Prints figures only (tests never judge wall time): met/missed compares them with the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import growth
import trees

sys.path.insert(0, str(trees.ROOT))
from tools.machine import describe

BASELINE = "0e23f22"
FAST_CORE = ["-m", "not slow"]


@dataclass(frozen=True)
class Target:
    figure: str
    limit: float
    unit: str  # "s", "ms" or "x"

    def says(self, value: float) -> str:
        if value != value:  # NaN: not measured
            return "n/a"
        return "met" if value <= self.limit else "missed"


TARGETS = {
    "start-up": Target("1. start-up: pytest step_defs --collect-only", 1.2, "s"),
    "scenario": Target("2. median acceptance scenario", 4, "ms"),
    "floor": Target("2. time in acceptance tests / floor", 1.5, "x"),
    "acceptance": Target("3. acceptance suite, serial", 2.5, "s"),
    "core": Target('3. fast core (-m "not slow")', 5, "s"),
    "whole": Target("3. whole suite, serial", 20, "s"),
    "postgres acceptance": Target("3. PostgreSQL / SQLite, acceptance", 1.3, "x"),
    "postgres whole": Target("3. PostgreSQL / SQLite, whole suite", 1.3, "x"),
    "added": Target("4. cost per added scenario (last span)", 4, "ms"),
    "flat": Target(f"4. last span's slope / first's (flat: {growth.FLAT}x)", growth.FLAT, "x"),
}


def floor_parts(tree: trees.Tree) -> dict[str, float]:
    """One bare request and one test's isolation, measured in the tree (its harness)."""
    result = subprocess.run(
        [sys.executable, str(trees.BENCHMARKS / "floor.py")],
        cwd=tree.path,
        env=tree.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"WARNING {tree.name}: floor not measured\n{result.stderr[-1500:]}")
        return {"request": float("nan"), "isolation": float("nan")}
    parts: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, metavar="COMMIT")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--whole-suite", action="store_true", help="also the whole suite (minutes)")
    parser.add_argument("--sizes", default=",".join(map(str, growth.SIZES)))
    parser.add_argument("--growth-rounds", type=int, default=3)
    parser.add_argument("--no-growth", action="store_true", help="figures 1-3 only")
    args = parser.parse_args()
    postgres = os.environ.get("TEST_DATABASE_URL")
    on_postgres = {"TEST_DATABASE_URL": postgres} if postgres else {}
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {describe()}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        arms = [trees.checkout(), trees.baseline(args.baseline, scratch / "baseline")]
        for arm in arms:
            arm.check_origins()
        figures: dict[str, dict[str, list[float]]] = {arm.name: defaultdict(list) for arm in arms}
        tests: dict[str, int] = {}
        requests: dict[str, int] = {}

        for arm in arms:  # unmeasured: bytecode, page cache; and the requests it makes
            counted = trees.run_pytest(arm, ["step_defs"], scratch, count_requests=True)
            requests[arm.name] = counted.requests or 0
            # Every module the rounds import, imported (and its asserts rewritten) once.
            trees.wall_of(arm, [*([] if args.whole_suite else FAST_CORE), "--collect-only"])

        measures: list[tuple[str, Callable[[trees.Tree], None]]] = []

        def add(name: str, measure: Callable[[trees.Tree], None]) -> None:
            measures.append((name, measure))

        def start_up(arm: trees.Tree) -> None:
            wall = trees.wall_of(arm, ["step_defs", "--collect-only"])
            figures[arm.name]["start-up"].append(wall)

        def acceptance(arm: trees.Tree) -> None:
            timed = trees.run_pytest(arm, ["step_defs"], scratch)
            tests[arm.name] = len(timed.times)
            figures[arm.name]["acceptance"].append(timed.wall)
            figures[arm.name]["scenario"].append(1000 * timed.median_test)
            figures[arm.name]["in tests"].append(timed.in_tests)

        def run(name: str, arguments: list[str], env: dict[str, str] | None = None) -> None:
            def measure(arm: trees.Tree) -> None:
                figures[arm.name][name].append(
                    trees.run_pytest(arm, arguments, scratch, env=env).wall
                )

            add(name, measure)

        add("start-up", start_up)
        add("acceptance", acceptance)
        run("core", FAST_CORE)
        if postgres:
            run("acceptance on postgres", ["step_defs"], on_postgres)
        if args.whole_suite:
            run("whole", [])
            if postgres:
                run("whole on postgres", [], on_postgres)

        for round_number in range(args.rounds):
            order = arms if round_number % 2 == 0 else arms[::-1]
            for _, measure in measures:
                for arm in order:
                    measure(arm)
            print(
                f"round {round_number + 1} (load average {os.getloadavg()[0]:.2f}): "
                + "; ".join(
                    f"{arm.name} "
                    + ", ".join(f"{name} {figures[arm.name][name][-1]:.2f}" for name, _ in measures)
                    for arm in arms
                ),
                flush=True,
            )

        values: dict[str, dict[str, float]] = {}
        floors = {arm.name: floor_parts(arm) for arm in arms}
        # The bare request is FastAPI's and Starlette's, the same in both arms: both samples of
        # it, averaged, serve both floors (two samples of one cost would only add noise).
        bare = statistics.mean(parts["request"] for parts in floors.values())
        for arm in arms:
            medians = {name: statistics.median(v) for name, v in figures[arm.name].items()}
            parts = {**floors[arm.name], "request": bare}
            floor = requests[arm.name] * parts["request"] + tests[arm.name] * parts["isolation"]
            medians["floor s"] = floor
            medians["floor"] = medians["in tests"] / floor
            if postgres:
                medians["postgres acceptance"] = (
                    medians["acceptance on postgres"] / medians["acceptance"]
                )
                if args.whole_suite:
                    medians["postgres whole"] = medians["whole on postgres"] / medians["whole"]
            print(
                f"{arm.name}: floor {requests[arm.name]} requests x "
                f"{1000 * parts['request']:.3f} ms + {tests[arm.name]} tests x "
                f"{1000 * parts['isolation']:.3f} ms = {floor:.2f} s; in tests "
                f"{medians['in tests']:.2f} s"
            )
            values[arm.name] = medians

        if not args.no_growth:
            sizes = sorted(int(size) for size in args.sizes.split(","))
            growths = growth.prepare(arms, sizes, scratch)
            growth.measure(growths, args.growth_rounds, scratch)
            growth.report(growths)
            for grown in growths:
                values[grown.arm]["added"] = 1000 * grown.slopes()[-1]
                values[grown.arm]["flat"] = grown.flatness()

    ours, base = (values[arm.name] for arm in arms)
    print()
    print(
        f"{'figure':<50} {'target':>8} {'ours':>8} {'baseline':>9} {'ours/base':>9} "
        f"{'ours':>7} {'baseline':>8}"
    )
    for key, target in TARGETS.items():
        if key not in ours:
            continue
        mine, theirs = ours[key], base[key]
        print(
            f"{target.figure:<50} {'<=' + format(target.limit, 'g') + ' ' + target.unit:>8} "
            f"{mine:>8.2f} {theirs:>9.2f} {mine / theirs:>9.2f} "
            f"{target.says(mine):>7} {target.says(theirs):>8}"
        )
    print(f"(rounds: {args.rounds}, growth rounds: {args.growth_rounds}; medians)")


if __name__ == "__main__":
    main()
