"""Mutation testing of app/ with mutmut 3: `make mutation`.

Coverage says a line ran; a killed mutant says a test noticed when the line was wrong. This runs
`mutmut run` (configured in [tool.mutmut] in pyproject.toml: it mutates app/ and runs the unit
and acceptance suites), then reads mutmut's verdicts and prints

    killed / survived / timeout / no tests / skipped, and the score killed / (total - skipped)

writing reports/mutation/summary.txt and reports/mutation/survivors.txt (each mutant that was
not killed, with its diff from `mutmut show`). Exit status 1 when the score is under --target.

By default the run starts from nothing (mutants/ is deleted), so the score is that of the code
and tests as they are. --incremental keeps mutmut's cache instead: mutants of changed functions
are re-tested, and so is every mutant that was not killed last time (a cached survivor is
otherwise never re-tried, however many tests were added since).
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"
REPORTS = ROOT / "reports" / "mutation"
MUTMUT = Path(sys.executable).with_name("mutmut")

# mutmut's own words for a verdict (its `results` command), in the order the summary shows them.
KILLED = "killed"
SURVIVED = "survived"
TIMEOUT = "timeout"
NO_TESTS = "no tests"
SKIPPED = "skipped"
SHOWN = (KILLED, SURVIVED, TIMEOUT, NO_TESTS, SKIPPED)


@dataclass(frozen=True)
class Verdicts:
    by_mutant: dict[str, str]

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.by_mutant.values())

    @property
    def total(self) -> int:
        return len(self.by_mutant)

    @property
    def score(self) -> float:
        tested = self.total - self.counts[SKIPPED]
        return 100.0 * self.counts[KILLED] / tested if tested else 0.0

    def not_killed(self) -> list[str]:
        return sorted(name for name, status in self.by_mutant.items() if status != KILLED)


# What `mutmut run` prints as it enters each phase (its spinner titles), to say where time goes.
PHASES = {
    "Generating mutants": "copying the project and writing the mutants",
    "Running stats": "the selected tests once, recording which functions each test reaches",
    "Running clean tests": "the same tests once more, unmutated, which must pass",
    "Running forced fail test": "a run that must fail, proving mutants can be switched on",
    "Running mutation testing": "each mutant against the tests that reach its function",
}


def _environment() -> dict[str, str]:
    # The mutation run is on the embedded SQLite, whatever the caller exported.
    return {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}


def mutmut(*args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MUTMUT), *args],
        cwd=ROOT,
        env=_environment(),
        text=True,
        capture_output=capture,
        check=False,
    )


def mutmut_run(*args: str) -> dict[str, float]:
    """`mutmut run` with its output passed through; returns when each phase began (seconds)."""
    started = time.perf_counter()
    began: dict[str, float] = {}
    command = [str(MUTMUT), "run", *args]
    with subprocess.Popen(
        command, cwd=ROOT, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as process:
        assert process.stdout is not None
        tail = ""
        for chunk in iter(lambda: process.stdout.read1(65536), b""):  # type: ignore[union-attr]
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            text = tail + chunk.decode(errors="replace")
            for phase in PHASES:
                if phase not in began and phase in text:
                    began[phase] = time.perf_counter() - started
            tail = text[-64:]
    began["end"] = time.perf_counter() - started
    return began


def phase_lines(began: dict[str, float]) -> list[str]:
    moments = sorted(began.items(), key=lambda item: item[1])
    return [
        f"{later - earlier:7.0f} s  {PHASES[phase]}"
        for (phase, earlier), (_, later) in pairwise(moments)
        if phase in PHASES
    ]


def read_verdicts() -> Verdicts:
    listing = mutmut("results", "--all", "true", capture=True)
    if listing.returncode != 0:
        raise SystemExit(f"mutmut results failed:\n{listing.stdout}{listing.stderr}")
    by_mutant: dict[str, str] = {}
    for line in listing.stdout.splitlines():
        name, separator, status = line.strip().rpartition(": ")
        if separator:
            by_mutant[name] = status
    return Verdicts(by_mutant)


@dataclass(frozen=True)
class Timing:
    seconds: float
    children: int
    phases: list[str]


def run(max_children: int, incremental: bool) -> Timing:
    if not incremental and MUTANTS.exists():
        shutil.rmtree(MUTANTS)
    started = time.perf_counter()
    # A failed run still leaves the verdicts it reached; the summary below says what they are.
    phases = phase_lines(mutmut_run("--max-children", str(max_children)))
    if incremental:
        retry = read_verdicts().not_killed()
        if retry:
            mutmut_run("--max-children", str(max_children), *retry)
    return Timing(time.perf_counter() - started, max_children, phases)


def summary_lines(verdicts: Verdicts, timing: Timing | None, target: float) -> list[str]:
    counts = verdicts.counts
    others = {status: n for status, n in counts.items() if status not in SHOWN}
    lines = [f"mutation testing of app/ ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"]
    if timing is not None:
        lines.append(
            f"run time: {timing.seconds / 60:.1f} min, {timing.children} mutants at a time "
            f"on {os.cpu_count()} cores"
        )
        lines += [f"  {phase}" for phase in timing.phases]
    lines += [f"{status:>9}: {counts[status]}" for status in SHOWN]
    lines += [f"{status:>9}: {n}" for status, n in sorted(others.items())]
    lines += [
        f"{'total':>9}: {verdicts.total}",
        f"score: {verdicts.score:.1f}% killed / (total - skipped), target {target:.0f}%",
    ]
    return lines


def write_survivors(verdicts: Verdicts, path: Path) -> None:
    shown = [mutmut("show", name, capture=True).stdout for name in verdicts.not_killed()]
    path.write_text("\n".join(shown) if shown else "Every mutant was killed.\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-children",
        type=int,
        default=2,
        help="mutants tested at once (default 2, one per core of a 2-core machine)",
    )
    parser.add_argument(
        "--incremental", action="store_true", help="keep mutmut's cache (see the module docstring)"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="summarise the last run without running"
    )
    parser.add_argument("--target", type=float, default=90.0, help="minimum score, in percent")
    options = parser.parse_args()

    timing = None if options.report_only else run(options.max_children, options.incremental)
    verdicts = read_verdicts()
    if not verdicts.total:
        print("mutmut recorded no mutants: see its output above", file=sys.stderr)
        return 1
    REPORTS.mkdir(parents=True, exist_ok=True)
    lines = summary_lines(verdicts, timing, options.target)
    (REPORTS / "summary.txt").write_text("\n".join(lines) + "\n")
    write_survivors(verdicts, REPORTS / "survivors.txt")
    print("\n" + "\n".join(lines))
    print(
        f"report: {(REPORTS / 'summary.txt').relative_to(ROOT)}, survivors' diffs: "
        f"{(REPORTS / 'survivors.txt').relative_to(ROOT)}"
    )
    return 0 if verdicts.score >= options.target else 1


if __name__ == "__main__":
    sys.exit(main())
