"""The big-document benchmark runs and prints its figures (never judged here: tests do not
assert on wall time). `make bench` runs it at 10,000 scenarios, `.ci/run` at 1,000."""

import re
from pathlib import Path

from tests.support.project_runs import EarlyRuns, big_document_benchmark

CHROMIUM = Path("/usr/bin/chromium")

# A real run of one feature file writes the template, then the benchmark runs from it: both in
# processes of their own, started as soon as collection ends (tests/support/project_runs.py).
EARLY_RUNS = {"big document benchmark": big_document_benchmark}


def test_the_big_document_benchmark_prints_its_figures(early_runs: EarlyRuns) -> None:
    runs = early_runs.result("big document benchmark", big_document_benchmark)
    assert isinstance(runs, tuple)
    template, result = runs
    # A real record of one feature's scenarios is the template the synthetic run copies.
    # Exit 1 all the same: the other feature files are unbound in a run of one module.
    assert re.search(r"^\d+ passed", template.stdout.splitlines()[-1]), template.stdout[-2000:]
    assert (template.directory / "livingdoc-record.json").is_file()

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
