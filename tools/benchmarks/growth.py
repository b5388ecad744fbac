"""How the acceptance suite's run time grows with its size: suites of 200, 1,000 and 5,000
scenarios, each the real acceptance suite grown with synthetic copies of its features
(synthetic_run.build_suite: actors and items renamed, bound to the real step definitions, so every
scenario drives the app), run in full with its living documentation written (`pytest step_defs
--living-docs=DIR`), in a copy of each arm's tree. (A suite of the copies alone would leave the
real feature files unbound, which the living documentation reports as errors.)

Prints, per arm and size, the wall time, the time inside the tests (JUnit XML: the steps, their
lookup, the requests) and the rest (start-up, collection, the living documentation); then the
cost per added scenario, the slope between consecutive sizes, and how the last slope compares
with the first: a suite whose parts all grow linearly has the same slope at 5,000 scenarios as
at 200.

    .venv/bin/python tools/benchmarks/growth.py [--sizes 200,1000,5000] [--rounds 3]
        [--baseline 0e23f22]

targets.py runs it as its figure 4 (`make bench`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import trees
from synthetic_run import build_suite, cases_in, project_features

SIZES = (200, 1_000, 5_000)
# The tolerance on "flat": the last interval's slope within this of the first one's. Slopes are
# differences of noisy walls on a shared 2-core machine.
FLAT = 1.2


@dataclass
class Size:
    asked: int
    tree: trees.Tree
    scenarios: int = 0
    walls: list[float] = field(default_factory=list)
    in_tests: list[float] = field(default_factory=list)
    failed: int = 0

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def inside(self) -> float:
        return statistics.median(self.in_tests)

    @property
    def outside(self) -> float:
        return statistics.median(w - i for w, i in zip(self.walls, self.in_tests, strict=True))


@dataclass
class Growth:
    arm: str
    sizes: list[Size]

    def slopes(self, part: str = "wall") -> list[float]:
        """Seconds per added scenario between consecutive sizes."""
        return [
            (getattr(b, part) - getattr(a, part)) / (b.scenarios - a.scenarios)
            for a, b in zip(self.sizes, self.sizes[1:], strict=False)
        ]

    def flatness(self, part: str = "wall") -> float:
        slopes = self.slopes(part)
        return slopes[-1] / slopes[0] if slopes[0] > 0 else float("inf")


def prepare(arms: list[trees.Tree], sizes: list[int], scratch: Path) -> list[Growth]:
    growths = []
    for number, arm in enumerate(arms):
        made = []
        for size in sizes:
            tree = trees.fresh_copy(arm, scratch / f"growth-{number}-{size}")
            entry = Size(size, tree)
            real = sum(map(cases_in, project_features(tree.path).values()))
            entry.scenarios = real + build_suite(tree.path, max(size - real, 0))
            made.append(entry)
        growths.append(Growth(arm.name, made))
    return growths


def run_size(size: Size, scratch: Path) -> None:
    docs = scratch / "growth-docs"
    timed = trees.run_pytest(size.tree, ["step_defs", f"--living-docs={docs}"], scratch)
    size.walls.append(timed.wall)
    size.in_tests.append(timed.in_tests)
    size.failed = len(timed.failed)
    # The step_defs folder also holds a few tests that are not scenarios.
    if len(timed.times) < size.scenarios:
        print(f"WARNING {size.tree.name}: {len(timed.times)} tests ran of {size.scenarios}")


def measure(growths: list[Growth], rounds: int, scratch: Path) -> None:
    """Every size of every arm, `rounds` times, the arms alternating (which one goes first
    too), after one unmeasured run of each arm's smallest suite (bytecode, page cache)."""
    for growth in growths:
        run_size(growth.sizes[0], scratch)
        growth.sizes[0].walls.clear()
        growth.sizes[0].in_tests.clear()
    for round_number in range(rounds):
        order = growths if round_number % 2 == 0 else growths[::-1]
        for index in range(len(growths[0].sizes)):
            for growth in order:
                run_size(growth.sizes[index], scratch)
        print(
            f"growth round {round_number + 1} (load average {os.getloadavg()[0]:.2f}): "
            + "; ".join(
                f"{g.arm} " + ", ".join(f"{s.scenarios}: {s.walls[-1]:.1f} s" for s in g.sizes)
                for g in growths
            ),
            flush=True,
        )


def report(growths: list[Growth]) -> None:
    print()
    print(
        f"{'growth':<22} {'scenarios':>9} {'wall s':>8} {'in tests s':>10} {'rest s':>7} "
        f"{'failed':>6}"
    )
    for growth in growths:
        for size in growth.sizes:
            print(
                f"{growth.arm:<22} {size.scenarios:>9} {size.wall:>8.2f} {size.inside:>10.2f} "
                f"{size.outside:>7.2f} {size.failed:>6}"
            )
    print()
    print(
        "cost per added scenario, ms (slope between sizes), and last slope / first slope "
        f"(flat: within {FLAT}x):"
    )
    for growth in growths:
        spans = [
            f"{a.scenarios}->{b.scenarios}"
            for a, b in zip(growth.sizes, growth.sizes[1:], strict=False)
        ]
        for part, name in (("wall", "wall"), ("inside", "in tests"), ("outside", "rest")):
            slopes = ", ".join(
                f"{span} {1000 * slope:.2f}"
                for span, slope in zip(spans, growth.slopes(part), strict=True)
            )
            print(f"  {growth.arm:<20} {name:<9} {slopes}; last/first {growth.flatness(part):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="0e23f22", metavar="COMMIT")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        arms = [trees.checkout(), trees.baseline(args.baseline, scratch / "baseline")]
        growths = prepare(arms, sizes, scratch)
        for growth in growths:
            growth.sizes[0].tree.check_origins()
        measure(growths, args.rounds, scratch)
        report(growths)


if __name__ == "__main__":
    main()
