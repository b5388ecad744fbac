"""What the living documentation adds to the acceptance run's wall time, and the page's size.

Runs `pytest step_defs` as `make docs` does (same workers, JUnit XML in both), alternating a
run without the plugin and one with `--living-docs`, after one unmeasured warm-up of each.
Prints every time, the medians, the overhead ratio and the sizes of what was written.

    .venv/bin/python tools/benchmarks/livingdoc_overhead.py [--rounds 3] [--workers 0]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_suite(workers: int, output: Path, *, with_docs: bool) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of pytest and its workers (steadier on a busy machine)."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "step_defs",
        "-q",
        "-p",
        "no:randomly",  # the same order every run: less noise between the two arms
        "-p",
        "no:cacheprovider",
        "-n",
        str(workers),
        f"--junitxml={output / 'junit.xml'}",
    ]
    if with_docs:
        command.append(f"--living-docs={output}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1):  # 1: a failing scenario still times the same work
        sys.exit(
            f"pytest exited {result.returncode}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="xdist workers; 0: one process")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp)
        run_suite(args.workers, output, with_docs=False)  # warm-up: .pyc files, page cache
        run_suite(args.workers, output, with_docs=True)
        plain: list[tuple[float, float]] = []
        docs: list[tuple[float, float]] = []
        for round_number in range(1, args.rounds + 1):
            plain.append(run_suite(args.workers, output, with_docs=False))
            docs.append(run_suite(args.workers, output, with_docs=True))
            print(
                f"round {round_number}: without {plain[-1][0]:.2f} s ({plain[-1][1]:.2f} s CPU), "
                f"with {docs[-1][0]:.2f} s ({docs[-1][1]:.2f} s CPU)"
            )
        page = output / "living-docs" / "index.html"
        cucumber = output / "cucumber.json"
        for name, index in (("wall", 0), ("CPU", 1)):
            without = statistics.median(times[index] for times in plain)
            with_ = statistics.median(times[index] for times in docs)
            print(
                f"median {name}: without {without:.2f} s, with {with_:.2f} s, "
                f"overhead {100 * (with_ / without - 1):+.1f} % (ratio {with_ / without:.3f})"
            )
        kib = {path.name: path.stat().st_size / 1024 for path in (page, cucumber)}
        print(f"page: {kib['index.html']:.0f} KiB, cucumber.json: {kib['cucumber.json']:.0f} KiB")


if __name__ == "__main__":
    main()
