"""The big-document benchmark runs and prints its figures (never judged here: tests do not
assert on wall time). `make bench` runs it at 10,000 scenarios, `.ci/run` at 1,000."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    # Nothing of this run's pytest or coverage: the benchmark is a program of its own.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_CORE_"))}
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_the_big_document_benchmark_prints_its_figures(tmp_path: Path) -> None:
    # A real record of one feature's scenarios is the template the synthetic run copies.
    template = run(
        "-m",
        "pytest",
        "step_defs/test_user_lookup.py",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        f"--living-docs={tmp_path}",
    )
    # Exit 1 all the same: the other feature files are unbound in a run of one module.
    assert re.search(r"^\d+ passed", template.stdout.splitlines()[-1]), template.stdout[-2000:]
    assert (tmp_path / "livingdoc-record.json").is_file()

    result = run(
        "tools/benchmarks/big_document.py",
        "--scenarios",
        "40",
        "--rounds",
        "1",
        "--template",
        str(tmp_path / "livingdoc-record.json"),
    )

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    # Copies of the one feature file the template ran.
    assert re.search(r"^\d+ scenarios in \d+ feature files \(copies of 1\)", out, re.M)
    assert re.search(r"^this design: written in [\d.]+ s wall, [\d.]+ s CPU", out, re.M)
    assert re.search(r"parse [\d.]+ s, runs [\d.]+ s, record [\d.]+ s, .*page [\d.]+ s", out)
    assert re.search(r"the page alone \(parse, runs, merge, page\): [\d.]+ s", out)
    assert re.search(r"living-docs/index.html: [\d.]+ MB", out)
    if CHROMIUM.exists():
        assert re.search(r"page ready in [\d.]+ s \(\d+ of \d+ scenarios shown\)", out)
        for name in ("search", r"tag filter \(@\w+\)", "status"):
            assert re.search(rf"  {name}: median \d+ ms, max \d+ ms over \d+", out), name
