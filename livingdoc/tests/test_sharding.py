"""A run split over machines (shards) and merged says what the run in one piece says.

The shop (every status, an outline, an unbound feature file, API calls) runs once whole and once
as 4 shards, each a pytest run of its own into its own directory, split by pytest-split as CI's
matrix splits the suite. `merge_runs` merges the shards' outputs (its command line once, as CI
calls it; its `main` in this process for the other merges); `compare_runs` finds them equal to
the whole run's once ids, times, durations, workers and the order of execution are left out: the
same scenarios, steps, statuses, messages, errors, Cucumber JSON, JUnit cases and page.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_bdd_livingdoc import compare_runs, merge_runs, record
from shop_project import SHOP_OUTCOME, InProcessRun, run_pytest, write_shop_project

SHARDS = 4


def outputs(directory: str) -> tuple[str, ...]:
    return (f"--living-docs={directory}", f"--junitxml={directory}/junit.xml")


def merge_command(root: Path, out: str, *shards: str) -> subprocess.CompletedProcess[str]:
    """`python -m pytest_bdd_livingdoc.merge_runs`, as CI's merge job runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pytest_bdd_livingdoc.merge_runs", *shards, "--out", out],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def merge(root: Path, out: str, *shards: str) -> InProcessRun:
    """The same command's `main`, in this process: no interpreter to start for each merge."""
    printed, errors = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
            code = merge_runs.main([*shards, "--out", out])
    finally:
        os.chdir(here)
    return InProcessRun(code, printed.getvalue(), errors.getvalue())


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_shop_project(tmp_path_factory.mktemp("shop"))
    assert SHOP_OUTCOME in run_pytest(root, *outputs("whole")).stdout
    split = ("-p", "pytest_split.plugin", "--splits", str(SHARDS))
    for k in range(1, SHARDS + 1):
        shard = run_pytest(root, *split, "--group", str(k), *outputs(f"shards/{k}"))
        assert "deselected" in shard.stdout, shard.stdout  # each shard ran its part only
    merged = merge_command(root, "merged", *(f"shards/{k}" for k in range(1, SHARDS + 1)))
    assert merged.returncode == 1, merged.stdout + merged.stderr  # the shop has failures
    return root


def test_the_merged_shards_say_what_the_whole_run_says(shop: Path) -> None:
    assert compare_runs.differences(shop / "whole", shop / "merged") == []


def test_each_shard_ran_a_part_and_not_run_stays_truthful(shop: Path) -> None:
    parts = [record.read(shop / "shards" / str(k) / record.RECORD_FILE) for k in (1, 2, 3, 4)]
    ran = [run.nodeid for part in parts for run in part.runs]
    assert all(0 < len(part.runs) < len(ran) for part in parts)
    assert len(ran) == len(set(ran)) == 10  # every test once
    merged = record.read(shop / "merged" / record.RECORD_FILE)
    assert merged.meta.shards == SHARDS
    # Every shard but one reports "Buying a lamp" not run; merged, it passed.
    buying = [run for run in merged.runs if run.nodeid.endswith("test_buying_a_lamp")]
    assert [run.status.value for run in buying] == ["passed"]
    # The feature file no test binds is unbound once, in every output; bound ones are not.
    unbound = [e for e in merged.meta.errors if e.kind == "unbound feature"]
    assert [e.location for e in unbound] == ["features/returns.feature:1"]
    cases = [c.get("name") for c in _junit_cases(shop / "merged" / "junit.xml")]
    assert cases.count("unbound feature: features/returns.feature:1") == 1


def test_a_missing_shard_is_seen_by_the_comparison(shop: Path) -> None:
    """The comparison can fail: three shards of four leave cases not run."""
    result = merge(shop, "three", "shards/1", "shards/2", "shards/3")
    found = compare_runs.differences(shop / "whole", shop / "three")
    assert {difference.split()[0] for difference in found} >= {"messages", "page", "record"}
    # And the merge says so itself: pytest-split numbered the shards k of 4.
    assert result.returncode == 1
    (missing,) = record.read(shop / "three" / record.RECORD_FILE).meta.errors[:1]
    assert missing.kind == "shard merge error"
    assert "split in 4 shards; merged here: 1 of 4, 2 of 4, 3 of 4" in missing.message


def test_a_test_run_by_two_shards_is_an_error_of_the_merge(shop: Path) -> None:
    result = merge(shop, "twice", "shards/1", "shards/1/messages.ndjson", "shards/2")
    assert result.returncode == 1
    errors = record.read(shop / "twice" / record.RECORD_FILE).meta.errors
    overlaps = [e for e in errors if e.kind == "shard merge error"]
    assert overlaps, errors
    assert "the shards did not split one collection" in overlaps[0].message
    finished = [
        json.loads(line)["testRunFinished"]
        for line in (shop / "twice" / "messages.ndjson").read_text().splitlines()
        if line.startswith('{"testRunFinished"')
    ]
    assert finished[0]["success"] is False


def test_a_shard_without_its_record_cannot_be_merged(shop: Path) -> None:
    result = merge(shop, "nothing", "shards/1", "whole/living-docs")
    assert result.returncode == 2
    assert "no record of a run" in result.stderr


def test_cases_sharing_a_name_are_all_merged(shop: Path, tmp_path: Path) -> None:
    """Some plugins report several tests under one name (schemathesis: one per operation),
    split between shards like any others; a module skipped at collection is reported by every
    shard. Merged, the first are all kept and the second once."""

    def shard(label: str, *names: str) -> merge_runs.Shard:
        directory = tmp_path / label
        directory.mkdir()
        suite = ET.Element("testsuite", tests=str(len(names)))
        for name in names:
            ET.SubElement(suite, "testcase", classname="tests.fuzz", name=name)
        skipped = ET.SubElement(suite, "testcase", classname="", name="tests.test_cck")
        ET.SubElement(skipped, "skipped", message="collection skipped")
        ET.ElementTree(suite).write(directory / "junit.xml")
        return merge_runs.Shard(label, directory, whole)

    whole = record.read(shop / "whole" / record.RECORD_FILE)

    shards = [shard("1", "test_fuzz", "test_fuzz"), shard("2", "test_fuzz", "test_other")]
    path, problems = merge_runs.merge_junit(shards, tmp_path / "merged")
    assert problems == []
    assert path is not None
    names = [case["name"] for case in _junit_cases(path)]
    assert sorted(names) == ["test_fuzz"] * 3 + ["test_other", "tests.test_cck"]
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("skipped")) == ("5", "1")


def _junit_cases(path: Path) -> list[dict[str, str]]:
    return [dict(case.attrib) for case in ET.parse(path).getroot().iter("testcase")]
