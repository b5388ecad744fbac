"""A product owner's feature file runs without Python, and work in progress does not fail the docs.

A new feature file, written only with wordings the step catalogue lists for any feature, is put
in a features directory of its own and run the way `make docs` runs the acceptance suite, by the
module that binds feature files without a module of their own (step_defs/test_features.py). It
passes with no new module, appears on the living documentation, and its `@wip` scenario, whose
step nobody wrote yet, is pending: the run still succeeds. An undefined step without the tag
still fails it. (The other test modules, and the step catalogue section that imports them, are
left out: they bind the real features, which this directory does not hold.)
"""

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_bdd_livingdoc.html import page_data

ROOT = Path(__file__).resolve().parents[2]

NEW_FEATURE = """\
    @items
    Feature: Keeping an offer tidy
      As a member of the marketplace
      I want what I offer listed as mine
      So that I can keep my offer tidy

      Rule: An item offered is listed among the member's items

        Scenario: Alice offers a lamp and finds it among her items
          Given Alice is a member
          When Alice offers a "Reading lamp" for 15.00
          Then Alice's items are:
            | name         | price |
            | Reading lamp | 15.00 |

        Scenario: A free lamp is refused
          Given Alice is a member
          When Alice offers a "Reading lamp" for 0.00
          Then the item is refused because of its price
          And Alice has no items

      @wip
      Rule: Members may wrap an item as a gift

        Scenario: Alice wraps her lamp as a gift
          Given Alice is a member
          And Alice already offers a "Reading lamp" for 15.00
          When Alice wraps the "Reading lamp" as a gift
          Then the "Reading lamp" is gift-wrapped
    """

# The same scenario without the tag: an undefined step is a failure again.
UNTAGGED = """\
    Feature: Gift wrapping
      As a member of the marketplace
      I want to wrap an item as a gift
      So that it arrives as a present

      Scenario: Alice wraps her lamp as a gift
        Given Alice is a member
        And Alice already offers a "Reading lamp" for 15.00
        When Alice wraps the "Reading lamp" as a gift
    """


def start_docs(features: Path, reports: Path) -> subprocess.Popen[str]:
    """`make docs` over `features`: the module that binds feature files without a module.

    A process of its own: the run loads this project's own harness and conftest, which this
    process has loaded already (a second session of them in one process would share their
    modules' state). Started, not awaited: both runs of this module go at once.
    """
    command = [
        sys.executable,
        "-m",
        "pytest",
        "step_defs/test_features.py",
        "-o",
        f"bdd_features_base_dir={features}",
        "-o",
        "livingdoc_step_packages=",
        f"--living-docs={reports}",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-n",
        "0",
        "-rs",
    ]
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass(frozen=True)
class Docs:
    """One run of `make docs` over a features directory of its own: how it ended, its reports."""

    returncode: int
    stdout: str
    stderr: str
    reports: Path


@pytest.fixture(scope="module")
def docs_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Docs]:
    """Each feature file of this module in a features directory of its own, the runs at once."""
    started = {}
    for name, text in {"tidy_offer": NEW_FEATURE, "gift_wrapping": UNTAGGED}.items():
        directory = tmp_path_factory.mktemp(name)
        (directory / "features").mkdir()
        feature = directory / "features" / f"{name}.feature"
        feature.write_text(textwrap.dedent(text), encoding="utf-8")
        reports = directory / "reports"
        started[name] = (start_docs(directory / "features", reports), reports)
    runs = {}
    for name, (process, reports) in started.items():
        stdout, stderr = process.communicate(timeout=300)
        runs[name] = Docs(process.returncode, stdout, stderr, reports)
    return runs


def test_a_feature_written_with_the_catalogue_runs_and_its_wip_scenario_is_pending(
    docs_runs: dict[str, Docs],
) -> None:
    run = docs_runs["tidy_offer"]
    reports = run.reports

    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed, 1 skipped" in run.stdout, run.stdout
    assert "Pending: Scenario 'Alice wraps her lamp as a gift'" in run.stdout, run.stdout
    assert "When 'Alice wraps the \"Reading lamp\" as a gift'" in run.stdout
    page = (reports / "living-docs" / "index.html").read_text(encoding="utf-8")
    assert "Keeping an offer tidy" in page
    # The page draws its scenarios from the data it carries (pytest_bdd_livingdoc.html).
    on_page = {case["name"]: case["status"] for case in page_data(page)["cases"]}
    assert on_page["Alice offers a lamp and finds it among her items"] == "passed"
    cucumber = json.loads((reports / "cucumber.json").read_text(encoding="utf-8"))
    assert [feature["name"] for feature in cucumber] == ["Keeping an offer tidy"]
    statuses = {
        element["name"]: {step["result"]["status"] for step in element["steps"]}
        for element in cucumber[0]["elements"]
    }
    # Pending, Cucumber's status, in every output: the steps nobody wrote, and what follows none.
    assert statuses["Alice wraps her lamp as a gift"] == {"skipped", "pending"}, statuses
    assert on_page["Alice wraps her lamp as a gift"] == "pending"
    assert statuses["Alice offers a lamp and finds it among her items"] == {"passed"}, statuses


def test_an_undefined_step_without_the_wip_tag_still_fails_the_docs(
    docs_runs: dict[str, Docs],
) -> None:
    run = docs_runs["gift_wrapping"]

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed" in run.stdout, run.stdout
    assert "has 1 undefined step(s)" in run.stdout, run.stdout
