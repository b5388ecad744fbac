"""Work in progress: a `@wip` scenario whose steps are not all defined is pending, not failed.

Each test builds a small pytest-bdd project with pytester, as test_guards.py does, and first
shows what plain pytest-bdd does with it.
"""

import json

import pytest

import page_reading as reading
from pytest_bdd_livingdoc import Pending
from pytest_bdd_livingdoc.pending import Pending as PendingItself
from test_guards import GUARDS, PLUGIN, run, write_project

GIFTS_FEATURE = """
    Feature: Gifts
      Scenario: Buying a lamp
        Given the shop is open
        Then the lamp is bought

      @wip
      Scenario: Wrapping a lamp
        Given the shop is open
        When Alice wraps the lamp
        Then the lamp is gift-wrapped
    """

GIFTS_STEPS = """
    from pytest_bdd import given, scenarios, then

    scenarios("gifts.feature")


    @given("the shop is open")
    def _() -> None:
        pass


    @then("the lamp is bought")
    def _() -> None:
        pass
    """


def test_pending_is_exported_from_the_package() -> None:
    assert Pending is PendingItself
    assert issubclass(Pending, Exception)


def test_a_wip_scenario_with_undefined_steps_is_pending_and_the_run_succeeds(
    pytester: pytest.Pytester,
) -> None:
    write_project(pytester, {"gifts.feature": GIFTS_FEATURE, "test_gifts.py": GIFTS_STEPS})

    # Plain pytest-bdd: the tagged scenario fails like any other.
    run(pytester, "-W", "ignore::pytest.PytestUnknownMarkWarning").assert_outcomes(
        passed=1, failed=1
    )

    guarded = run(pytester, *PLUGIN, "--strict-markers", "-rs")
    guarded.assert_outcomes(passed=1, skipped=1)
    assert guarded.ret == pytest.ExitCode.OK
    guarded.stdout.fnmatch_lines(
        [
            "SKIPPED * Pending: Scenario 'Wrapping a lamp' (gifts.feature:7) is work in progress "
            "(@wip) with 2 undefined step(s); no step ran:",
            "*gifts.feature:9  When 'Alice wraps the lamp'*",
            "*gifts.feature:10  Then 'the lamp is gift-wrapped'*",
        ]
    )


def test_the_tag_is_a_registered_marker(pytester: pytest.Pytester) -> None:
    write_project(pytester, {"gifts.feature": GIFTS_FEATURE, "test_gifts.py": GIFTS_STEPS})
    result = run(pytester, *PLUGIN, "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.wip: work in progress; *pending, not failed*"])


def test_without_the_tag_the_same_scenario_fails(pytester: pytest.Pytester) -> None:
    untagged = GIFTS_FEATURE.replace("      @wip\n", "")
    write_project(pytester, {"gifts.feature": untagged, "test_gifts.py": GIFTS_STEPS})

    result = run(pytester, *PLUGIN, "--strict-markers")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*Scenario 'Wrapping a lamp' * has 2 undefined step(s)*"])


def test_the_guards_alone_make_it_pending_too(pytester: pytest.Pytester) -> None:
    write_project(pytester, {"gifts.feature": GIFTS_FEATURE, "test_gifts.py": GIFTS_STEPS})
    run(pytester, *GUARDS, "--strict-markers").assert_outcomes(passed=1, skipped=1)


def test_the_tag_is_an_ini_option(pytester: pytest.Pytester) -> None:
    feature = GIFTS_FEATURE.replace("@wip", "@todo")
    files = {"gifts.feature": feature, "test_gifts.py": GIFTS_STEPS}

    write_project(pytester, files, ini="livingdoc_wip_tag = todo\n")
    run(pytester, *PLUGIN, "--strict-markers").assert_outcomes(passed=1, skipped=1)

    # Tagged @todo while the option says wip: a registered marker (the project's own), and an
    # undefined step like any other.
    write_project(pytester, files, ini="markers =\n    todo\n")
    run(pytester, *PLUGIN, "--strict-markers").assert_outcomes(passed=1, failed=1)


PENDING_TEST = """
    from pytest_bdd_livingdoc import Pending


    def test_not_a_scenario() -> None:
        raise Pending("only scenarios may be pending")
    """


def test_pending_outside_a_scenario_fails_its_test(pytester: pytest.Pytester) -> None:
    write_project(pytester, {"test_plain.py": PENDING_TEST})
    result = run(pytester, *PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Pending: only scenarios may be pending*"])


def test_the_living_documentation_is_written_and_the_run_succeeds(
    pytester: pytest.Pytester,
) -> None:
    write_project(pytester, {"gifts.feature": GIFTS_FEATURE, "test_gifts.py": GIFTS_STEPS})
    result = run(pytester, *PLUGIN, "--living-docs=reports")
    result.assert_outcomes(passed=1, skipped=1)
    assert result.ret == pytest.ExitCode.OK
    page = (pytester.path / "reports" / "living-docs" / "index.html").read_text(encoding="utf-8")
    # Pending, not failed or undefined: the scenario, and the steps nobody wrote yet.
    (wrapping,) = [case for case in reading.cases(page) if case["name"] == "Wrapping a lamp"]
    assert wrapping["status"] == "pending"
    assert [step[2] for step in wrapping["steps"]].count("pending") == 2
    cucumber = json.loads((pytester.path / "reports" / "cucumber.json").read_text("utf-8"))
    wrapping = next(e for e in cucumber[0]["elements"] if e["name"] == "Wrapping a lamp")
    statuses = [step["result"]["status"] for step in wrapping["steps"]]
    assert statuses == ["skipped", "pending", "pending"]
    messages = (pytester.path / "reports" / "messages.ndjson").read_text("utf-8")
    assert '"status":"PENDING"' in messages.replace(" ", "")
    # Its message, and each undefined step with the closest wording (suggestions.py).
    pending = "Pending: Scenario 'Wrapping a lamp' (gifts.feature:7) is work in progress"
    assert pending in reading.text(page)
    assert "closest wording: Then the lamp is bought" in reading.text(page)
