"""The synthetic suites growth.py times (tools/benchmarks/synthetic_run.build_suite) really run:
copies of the features, actors and items renamed, bound to the real step definitions, every
scenario passing against the app. `make bench` grows the suite to 5,000 scenarios so; here 20."""

import importlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "tools" / "benchmarks"
SYNTHETIC = "step_defs.synthetic."  # the copies' test modules


def test_a_small_synthetic_suite_collects_and_passes_on_the_real_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    trees = importlib.import_module("trees")
    synthetic = importlib.import_module("synthetic_run")
    tree = trees.working_copy("this checkout", tmp_path / "tree")

    made = synthetic.build_suite(tree.path, 20)

    originals = list(synthetic.project_features(ROOT).values())
    largest = max(map(synthetic.cases_in, originals))
    assert 20 <= made < 20 + largest
    copies = sorted((tree.path / "features").glob("*/*.feature"))
    assert copies, "no feature file was copied"
    text = "\n".join(path.read_text(encoding="utf-8") for path in copies)
    # Every actor and item of the originals is renamed in the copies: none is left as it was.
    actors, items = synthetic.actors_of(originals), synthetic.items_of(originals)
    assert actors
    assert items
    for actor in actors:
        assert not re.search(rf"\b{actor}\b", text, re.IGNORECASE), actor
    for item in items:
        assert not re.search(rf"(?<![\w-]){re.escape(item)}(?![\w-])(?! [a-z]{{2}}\b)", text), item
    assert re.search(r"\b(?:" + "|".join(actors) + r")[a-z]{2}\b", text)

    junit = tmp_path / "junit.xml"
    env = {k: v for k, v in tree.env().items() if not k.startswith(("PYTEST_", "COV_CORE_"))}
    steady = ["-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "step_defs", *steady, f"--junitxml={junit}"],
        cwd=tree.path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    cases = list(ET.parse(junit).iter("testcase"))
    copied = [case for case in cases if case.get("classname", "").startswith(SYNTHETIC)]
    assert len(copied) == made
    outcomes = [child.tag for case in copied for child in case]
    assert not {"failure", "error", "skipped"} & set(outcomes), outcomes
