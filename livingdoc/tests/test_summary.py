"""The job summary (`python -m pytest_bdd_livingdoc.summary messages.ndjson`): counts by status
and every failed, undefined or pending scenario with its feature and line, read from the
messages of a real run; and a pending-only run passes, pending in every output."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import page_reading as reading
from pytest_bdd_livingdoc.summary import main
from shop_project import run_pytest

PENDING_PROJECT = {
    "features/wip.feature": """\
Feature: Gift wrapping
  Scenario: Wrapping a lamp
    Given a lamp
    When I ask for gift wrapping
    Then the lamp is wrapped

  Scenario: Buying a lamp
    Given a lamp
""",
    "test_wip.py": """\
from pytest_bdd import given, scenarios, then, when

from pytest_bdd_livingdoc import Pending

scenarios("wip.feature")


@given("a lamp")
def _():
    pass


@when("I ask for gift wrapping")
def _():
    raise Pending("the wrapping service is not chosen yet")


@then("the lamp is wrapped")
def _():
    pass
""",
    "pytest.ini": "[pytest]\nbdd_features_base_dir = features/\n",
}


def test_the_summary_counts_and_lists_what_to_look_at(shop_run: Path, capsys) -> None:
    # The run's shop (conftest.py): its messages.
    assert main([str(shop_run / "reports" / "messages.ndjson"), "--title", "Shop"]) == 0
    summary = capsys.readouterr().out
    assert summary.startswith("## Shop: the run did not pass\n")
    for row in ("| failed | 3 |", "| undefined | 2 |", "| passed | 3 |", "| skipped | 2 |"):
        assert row in summary
    assert "| **total** | **10** |" in summary
    assert (
        "- **failed**: Shop: Owning what was never bought (`features/shop.feature:13`)" in summary
    )
    assert (
        "- **undefined**: Shop: Nobody wrote the first step (`features/shop.feature:17`)" in summary
    )
    assert "- **failed**: Shop: A cup costs 2 (`features/shop.feature:49`)" in summary
    assert "Buying a lamp" not in summary  # passed: not listed
    assert "unbound feature at features/returns.feature:1" in summary


def test_a_run_whose_only_unfinished_scenario_is_pending_passes(tmp_path: Path) -> None:
    for name, text in PENDING_PROJECT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_pytest(tmp_path, "--living-docs=reports", "--junitxml=reports/junit.xml", "-rs")
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
    assert "Pending: the wrapping service is not chosen yet" in result.stdout

    reports = tmp_path / "reports"
    page = (reports / "living-docs" / "index.html").read_text(encoding="utf-8")
    assert reading.statuses(page) == {"Wrapping a lamp": "pending", "Buying a lamp": "passed"}
    [feature] = json.loads((reports / "cucumber.json").read_text(encoding="utf-8"))
    wrapping = feature["elements"][0]
    assert [s["result"]["status"] for s in wrapping["steps"]] == ["passed", "pending", "skipped"]
    statuses = [
        json.loads(line)["testStepFinished"]["testStepResult"]["status"]
        for line in (reports / "messages.ndjson").read_text(encoding="utf-8").splitlines()
        if "testStepFinished" in line
    ]
    assert statuses == ["PASSED", "PENDING", "SKIPPED", "PASSED"]
    skipped = ET.parse(reports / "junit.xml").getroot().find(".//testcase/skipped")
    assert skipped.get("message") == "Pending: the wrapping service is not chosen yet"
    summary = subprocess.run(
        [sys.executable, "-m", "pytest_bdd_livingdoc.summary", str(reports / "messages.ndjson")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "| pending | 1 |" in summary
    assert "- **pending**: Gift wrapping: Wrapping a lamp (`features/wip.feature:2`)" in summary


def test_pending_outside_a_scenario_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "from pytest_bdd_livingdoc import Pending\n\n"
        "def test_plain():\n    raise Pending('not a scenario')\n"
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(failed=1)


def test_a_missing_file_is_an_error(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "nothing.ndjson")]) == 2
    assert "no such file" in capsys.readouterr().err
