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

from pytest_bdd_livingdoc.html import page_data

from tests.support.project_runs import EarlyRuns, Finished, docs_run

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


# `make docs` over a features directory holding one of these feature files, each run in a
# process of its own, started as soon as collection ends (tests/support/project_runs.py).
EARLY_RUNS = {
    "docs: tidy offer": docs_run("tidy_offer", NEW_FEATURE),
    "docs: gift wrapping": docs_run("gift_wrapping", UNTAGGED),
}


def docs(early_runs: EarlyRuns, name: str) -> Finished:
    finished = early_runs.result(name, EARLY_RUNS[name])
    assert isinstance(finished, Finished)
    return finished


def test_a_feature_written_with_the_catalogue_runs_and_its_wip_scenario_is_pending(
    early_runs: EarlyRuns,
) -> None:
    run = docs(early_runs, "docs: tidy offer")
    reports = run.directory / "reports"

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
    early_runs: EarlyRuns,
) -> None:
    run = docs(early_runs, "docs: gift wrapping")

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed" in run.stdout, run.stdout
    assert "has 1 undefined step(s)" in run.stdout, run.stdout
