"""Truth: each status on the step it belongs to, and a run that broke outside its scenarios
says so first, in every output, and fails.

Each test writes a small pytest-bdd project and runs pytest on it in its own process
(shop_project.run_pytest), with `--living-docs` and `--junitxml`, then reads all four outputs.
"""

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

import page_reading as reading
from pytest_bdd_livingdoc.cucumber import ERRORS_FEATURE
from pytest_bdd_livingdoc.html import page_data
from shop_project import run_pytest

ARGS = ("--living-docs=reports", "--junitxml=reports/junit.xml", "-p", "no:cacheprovider")

BACKGROUND_FEATURE = """\
Feature: Lamps
  Background:
    Given an open shop
    And a lamp on the shelf

  Scenario: Buying the lamp
    When I buy the lamp
    And I pay with a voucher
    Then I own the lamp

  Scenario: Looking at the lamp
    When I look at the lamp
"""

STEPS = """\
from pytest_bdd import given, scenarios, then, when

scenarios("lamps.feature")


@given("an open shop")
def _():
    pass


@given("a lamp on the shelf")
def _():
    pass


@when("I buy the lamp")
def _():
    pass


@when("I look at the lamp")
def _():
    pass


@then("I own the lamp")
def _():
    pass
"""


def write(root: Path, files: dict[str, str], ini: str = "") -> Path:
    for name, text in {"pytest.ini": "[pytest]\nbdd_features_base_dir = features/\n" + ini}.items():
        (root / name).write_text(text, encoding="utf-8")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def page(root: Path) -> str:
    return (root / "reports" / "living-docs" / "index.html").read_text(encoding="utf-8")


def cucumber(root: Path) -> list[dict[str, Any]]:
    return json.loads((root / "reports" / "cucumber.json").read_text(encoding="utf-8"))


def messages(root: Path) -> list[dict[str, Any]]:
    text = (root / "reports" / "messages.ndjson").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def junit(root: Path) -> ET.Element:
    return ET.parse(root / "reports" / "junit.xml").getroot()


def page_steps(html: str, anchor: str) -> list[tuple[str, str]]:
    """(status, text) of each step of the scenario whose anchor ends in `anchor`."""
    return reading.steps(html, anchor)


def step_statuses_by_text(envelopes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(text, status) of every executed step of the messages, in order."""
    texts = {
        step["id"]: step["text"]
        for e in envelopes
        if "pickle" in e
        for step in e["pickle"]["steps"]
    }
    steps = {
        step["id"]: texts[step["pickleStepId"]]
        for e in envelopes
        if "testCase" in e
        for step in e["testCase"]["testSteps"]
        if "pickleStepId" in step
    }
    return [
        (
            steps[e["testStepFinished"]["testStepId"]],
            e["testStepFinished"]["testStepResult"]["status"],
        )
        for e in envelopes
        if "testStepFinished" in e and e["testStepFinished"]["testStepId"] in steps
    ]


@pytest.mark.parametrize("guards", ["true", "false"])
def test_an_undefined_third_step_under_a_background_is_marked_on_that_step_only(
    tmp_path: Path, guards: str
) -> None:
    root = write(
        tmp_path,
        {"features/lamps.feature": BACKGROUND_FEATURE, "test_lamps.py": STEPS},
        f"livingdoc_guards = {guards}\n",
    )
    result = run_pytest(root, *ARGS)
    assert result.returncode == 1

    # Without the guards pytest-bdd runs the steps before the undefined one; with them, none.
    before = "passed" if guards == "false" else "skipped"
    expected = [
        (before, "an open shop"),
        (before, "a lamp on the shelf"),
        (before, "I buy the lamp"),
        ("undefined", "I pay with a voucher"),
        ("skipped", "I own the lamp"),
    ]
    assert page_steps(page(root), "6") == expected
    (element,) = [
        e for f in cucumber(root) for e in f["elements"] if e["name"] == "Buying the lamp"
    ]
    assert [(s["result"]["status"], s["name"]) for s in element["steps"]] == expected
    assert element["steps"][3]["result"]["error_message"].startswith("No step definition matches")
    assert [s.get("isBackground", False) for s in element["steps"]] == [
        True,
        True,
        False,
        False,
        False,
    ]
    executed = step_statuses_by_text(messages(root))
    assert [(t, s) for t, s in executed[:5]] == [(t, s.upper()) for s, t in expected]
    # The other scenario under the same Background is untouched by it.
    assert page_steps(page(root), "11") == [
        ("passed", "an open shop"),
        ("passed", "a lamp on the shelf"),
        ("passed", "I look at the lamp"),
    ]


def assert_error_everywhere(root: Path, kind: str, location: str, text: str) -> None:
    html = page(root)
    errors = html.index('<section class="errors"')
    assert errors < html.index("<h1>"), "the errors lead the page"
    section = html[errors : html.index("</section>", errors)]
    assert f"{kind} at <code>{location}</code>" in section
    assert str(escape(text)) in section
    (error_feature,) = [f for f in cucumber(root) if f["name"] == ERRORS_FEATURE]
    (element,) = error_feature["elements"]
    assert element["name"] == f"{kind}: {location}"
    assert element["steps"][0]["result"]["status"] == "failed"
    assert text in element["steps"][0]["result"]["error_message"]
    (finished,) = [e["testRunFinished"] for e in messages(root) if "testRunFinished" in e]
    assert finished["success"] is False
    assert text in finished["message"]
    assert text in ET.tostring(junit(root), encoding="unicode")


def test_a_step_module_that_raises_at_import_is_an_error_at_the_top_and_fails(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path,
        {
            "features/lamps.feature": BACKGROUND_FEATURE,
            "steps/__init__.py": "",
            "steps/lamps.py": "PRICES = {}\nLAMP = PRICES['lamp']\n",
            "test_lamps.py": "from steps.lamps import LAMP\n" + STEPS,
        },
        "pythonpath = .\n",
    )
    result = run_pytest(root, *ARGS)
    assert result.returncode == pytest.ExitCode.INTERRUPTED
    assert_error_everywhere(root, "collection error", "steps/lamps.py:2", "KeyError: 'lamp'")


def test_a_conftest_that_raises_while_pytest_starts_is_an_error_at_the_top(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path,
        {
            "features/lamps.feature": BACKGROUND_FEATURE,
            "test_lamps.py": STEPS,
            "conftest.py": "import steps_nobody_wrote\n",
        },
    )
    result = run_pytest(root, *ARGS)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert_error_everywhere(
        root, "start-up error", "conftest.py:1", "No module named 'steps_nobody_wrote'"
    )


def test_an_unregistered_tag_under_strict_markers_is_an_error_at_the_top(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        # Not @wip: the plugin registers that one itself (wip.py).
        {"features/lamps.feature": "@nightly\n" + BACKGROUND_FEATURE, "test_lamps.py": STEPS},
        "addopts = --strict-markers\n",
    )
    result = run_pytest(root, *ARGS)
    assert result.returncode == pytest.ExitCode.INTERRUPTED
    assert_error_everywhere(
        root, "collection error", "test_lamps.py", "'nightly' not found in `markers`"
    )
    # Not "0 failed": the scenarios are not run, and the page says why first.
    assert "0 failed" not in page(root)[: page(root).index("<h1>")]


def test_a_plugin_that_fails_when_the_run_starts_is_an_error_at_the_top(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "features/lamps.feature": BACKGROUND_FEATURE,
            "test_lamps.py": STEPS,
            "conftest.py": "def pytest_sessionstart(session):\n"
            "    raise RuntimeError('the database is not there')\n",
        },
    )
    result = run_pytest(root, *ARGS)
    assert result.returncode == pytest.ExitCode.INTERNAL_ERROR
    html = page(root)
    assert html.index("internal error at <code>conftest.py:2</code>") < html.index("<h1>")
    assert "RuntimeError: the database is not there" in html
    (finished,) = [e["testRunFinished"] for e in messages(root) if "testRunFinished" in e]
    assert finished["success"] is False
    assert finished["exception"]["type"] == "RuntimeError"


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["alone", "xdist"])
def test_a_feature_file_nothing_binds_is_reported_and_fails_the_run(
    tmp_path: Path, workers: list[str]
) -> None:
    root = write(
        tmp_path,
        {
            "features/lamps.feature": BACKGROUND_FEATURE.replace(
                "    And I pay with a voucher\n", ""
            ),
            "features/returns.feature": "Feature: Returns\n  Scenario: A lamp comes back\n"
            "    Given an open shop\n",
            "test_lamps.py": STEPS,
        },
    )
    result = run_pytest(root, *ARGS, *workers)
    assert "2 passed" in result.stdout
    assert result.returncode == pytest.ExitCode.TESTS_FAILED
    assert "living docs: unbound feature (features/returns.feature:1)" in result.stdout
    assert_error_everywhere(
        root, "unbound feature", "features/returns.feature:1", "No test module binds"
    )
    (returns,) = [f for f in page_data(page(root))["features"] if f["name"] == "Returns"]
    assert returns["unbound"] is True  # the script says "No test module binds this feature file"
