"""Stress the suite for order dependence and shared state: `make stress`.

Runs the whole suite RUNS times (20 by default), each in its own random order (pytest-randomly
with a different seed), then once in parallel under `pytest -n auto`. Prints one line per run
and then how many failed, with the seed of each failed run so it can be replayed:

    .venv/bin/python -m pytest -p randomly --randomly-seed=SEED

Every run is bounded by --timeout; a run that overstays it counts as failed. Each run's full
output is kept in reports/stress/ (git-ignored). Exit status 1 if any run failed.
"""

import argparse
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "reports" / "stress"
SUMMARY = re.compile(r"^=*\s*(\d+ (passed|failed|error).*?)\s*=*$")


@dataclass(frozen=True)
class Run:
    label: str
    seed: int
    args: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    run: Run
    passed: bool
    seconds: float
    summary: str


def plan(runs: int, base_seed: int) -> list[Run]:
    seeds = random.Random(base_seed).sample(range(1, 2**31), runs + 1)
    ordered = [
        Run(f"random order {index + 1}/{runs}", seed, ()) for index, seed in enumerate(seeds[:runs])
    ]
    return [*ordered, Run("parallel (-n auto)", seeds[runs], ("-n", "auto"))]


def execute(run: Run, timeout: float, extra: list[str]) -> Outcome:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "randomly",
        f"--randomly-seed={run.seed}",
        "-p",
        "no:cacheprovider",
        *run.args,
        *extra,
    ]
    log = LOGS / f"{run.label.split()[0]}-{run.seed}.log"
    started = time.monotonic()
    try:
        completed = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
        output, passed = completed.stdout + completed.stderr, completed.returncode == 0
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout or b""
        output = partial.decode(errors="replace") if isinstance(partial, bytes) else partial
        output += f"\n[stress] timed out after {timeout:.0f}s\n"
        passed = False
    seconds = time.monotonic() - started
    log.write_text(output)
    summaries = [m.group(1) for line in output.splitlines() if (m := SUMMARY.match(line))]
    summary = summaries[-1] if summaries else "no pytest summary (see log)"
    return Outcome(run, passed, seconds, summary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20, help="random-order runs (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="seed for choosing the seeds")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per run")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    args = parser.parse_args(argv)

    base_seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    LOGS.mkdir(parents=True, exist_ok=True)
    runs = plan(args.runs, base_seed)
    print(f"stress: {len(runs)} runs (seeds chosen with --seed {base_seed}), logs in {LOGS}")

    outcomes: list[Outcome] = []
    for run in runs:
        outcome = execute(run, args.timeout, args.pytest_args)
        outcomes.append(outcome)
        verdict = "ok  " if outcome.passed else "FAIL"
        print(
            f"  {verdict} {run.label:<22} seed {run.seed:<10} {outcome.seconds:6.1f}s  "
            f"{outcome.summary}",
            flush=True,
        )

    failed = [outcome for outcome in outcomes if not outcome.passed]
    print(f"stress: {len(failed)} of {len(outcomes)} runs failed")
    for outcome in failed:
        replay = f"-p randomly --randomly-seed={outcome.run.seed} {' '.join(outcome.run.args)}"
        print(f"  replay: .venv/bin/python -m pytest {replay.strip()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
