"""The plugin end to end: a real pytest-bdd run, alone and under pytest-xdist."""

import json
import re
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

import page_reading as reading
from pytest_bdd_livingdoc.cucumber import ERRORS_FEATURE
from pytest_bdd_livingdoc.html import page_data
from shop_project import (
    EXPECTED_STATUSES,
    RUN_ARGS,
    SHOP_OUTCOME,
    EarlyRuns,
    run_pytest,
    write_shop_project,
)

# `shop_run` (conftest.py): one run of the shop, shared by the tests that only read it.


def xdist_shop(directory: Path, environ: dict[str, str]) -> tuple[Path, Any]:
    """The shop run under pytest-xdist, 2 workers."""
    root = write_shop_project(directory)
    return root, run_pytest(root, *RUN_ARGS, "-n", "2", environ=environ)


def autoloaded_shop(directory: Path, environ: dict[str, str]) -> tuple[Path, Any]:
    """The shop run as a plain `pytest` runs it: every installed plugin loaded, none named."""
    root = write_shop_project(directory)
    return root, run_pytest(root, *RUN_ARGS, "-k", "buying_a_lamp", autoload=True, environ=environ)


# Runs in processes of their own (xdist's workers; every plugin loaded by its entry point),
# started as soon as collection ends (conftest.py): they go on while the other tests run.
EARLY_RUNS = {"shop under xdist": xdist_shop, "shop autoloading": autoloaded_shop}


@pytest.fixture(scope="module")
def xdist_run(early_runs: EarlyRuns) -> tuple[Path, str]:
    """The shop's run under pytest-xdist: its outputs, and what it printed."""
    root, result = early_runs.result("shop under xdist", xdist_shop)
    assert SHOP_OUTCOME in last_line(result)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED
    return root, result.stdout


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A shop of the test's own, for runs with other options."""
    return write_shop_project(tmp_path)


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout.strip().splitlines()[-1]


def outputs(root: Path) -> tuple[str, list[dict[str, Any]]]:
    page = (root / "reports" / "living-docs" / "index.html").read_text(encoding="utf-8")
    cucumber = json.loads((root / "reports" / "cucumber.json").read_text(encoding="utf-8"))
    return page, cucumber


def scenarios(cucumber: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The features of the Cucumber JSON, without the one that reports errors outside them."""
    return [f for f in cucumber if f["name"] != ERRORS_FEATURE]


def cucumber_status(element: dict[str, Any]) -> str:
    """How a Cucumber reader derives a scenario's verdict: from its steps and hooks."""
    results = [s["result"]["status"] for s in element["steps"]]
    results += [h["result"]["status"] for h in element.get("before", []) + element.get("after", [])]
    # Cucumber's order: the worst step decides, and a skipped step outranks a passed one.
    for status in ("failed", "undefined", "skipped"):
        if status in results:
            return status
    return "passed"


def page_statuses(page: str) -> dict[str, str]:
    """Case name -> status, read from the page: plain scenarios and outline rows."""
    return reading.statuses(page)


def normalised(page: str, cucumber: list[dict[str, Any]]) -> tuple[str, str, str]:
    """Outputs with the wall-clock parts (durations, the date) taken out."""
    data = page_data(page)
    for case in data["cases"]:
        case.pop("duration", None)
        for step in case["steps"]:
            if len(step) > 3:
                step[3] = ""
    page = re.sub(r'<script type="application/gzip"[^>]*>[^<]*</script>', "", page)
    page = re.sub(r'<span class="dur">[^<]*</span>', "", page)
    page = re.sub(r"<time [^>]*>[^<]*</time>", "", page)
    for feature in cucumber:
        for element in feature["elements"]:
            for step in element["steps"]:
                step["result"].pop("duration", None)
    return page, json.dumps(data, sort_keys=True), json.dumps(cucumber, indent=1, sort_keys=True)


def test_every_case_is_recorded_with_its_status(shop_run: Path) -> None:
    page, cucumber = outputs(shop_run)

    assert page_statuses(page) == EXPECTED_STATUSES
    ran = {e["name"]: cucumber_status(e) for f in scenarios(cucumber) for e in f["elements"]}
    assert ran == {name: s for name, s in EXPECTED_STATUSES.items() if s != "not run"}


def test_undefined_steps_are_undefined_and_what_follows_is_skipped(shop_run: Path) -> None:
    _, cucumber = outputs(shop_run)
    elements = {e["name"]: e for f in cucumber for e in f["elements"]}

    first = [s["result"]["status"] for s in elements["Nobody wrote the first step"]["steps"]]
    later = [s["result"]["status"] for s in elements["Nobody wrote a later step"]["steps"]]
    assert first == ["undefined", "skipped"]
    assert later == ["passed", "undefined"]
    message = elements["Nobody wrote a later step"]["steps"][1]["result"]["error_message"]
    assert message == 'No step definition matches Then "a later step nobody wrote"'


def test_with_the_guards_no_step_runs_before_an_undefined_one(shop: Path) -> None:
    # The shop runs without the guards (see its ini); on by default, they look every step up
    # before the first runs, and the page still puts each status on its own step.
    result = run_pytest(shop, *RUN_ARGS, "-o", "livingdoc_guards=true", "-k", "nobody_wrote")
    assert "2 failed, 8 deselected" in last_line(result)
    assert "has 1 undefined step(s); no step ran" in result.stdout
    _, cucumber = outputs(shop)
    elements = {e["name"]: e for f in cucumber for e in f["elements"]}

    first = [s["result"]["status"] for s in elements["Nobody wrote the first step"]["steps"]]
    later = [s["result"]["status"] for s in elements["Nobody wrote a later step"]["steps"]]
    assert first == ["undefined", "skipped"]
    assert later == ["skipped", "undefined"]


def test_failures_carry_their_message_and_the_failing_background(shop_run: Path) -> None:
    page, cucumber = outputs(shop_run)
    elements = {e["name"]: e for f in cucumber for e in f["elements"]}

    owning = elements["Owning what was never bought"]["steps"][1]["result"]
    assert owning["status"] == "failed"
    assert "I own a lamp, not a desk" in owning["error_message"]
    assert "at conftest.py:" in owning["error_message"]
    stockroom = [s["result"] for s in elements["Fetching a chair from the stockroom"]["steps"]]
    assert [r["status"] for r in stockroom] == ["failed", "skipped"]
    assert stockroom[0]["error_message"].startswith("RuntimeError: the stockroom is under water")
    # The page has the failures, with their message (its script opens them: test_browser.py).
    assert page_statuses(page)["Owning what was never bought"] == "failed"
    assert "I own a lamp, not a desk" in reading.text(page)


def test_skips_and_expected_failures_keep_their_reason(shop_run: Path) -> None:
    page, cucumber = outputs(shop_run)
    elements = {e["name"]: e for f in cucumber for e in f["elements"]}

    closed = elements["The shop is closed today"]["steps"]
    assert [s["result"]["status"] for s in closed] == ["skipped"]
    assert "the shop is closed on Sundays" in reading.text(page)
    known_bug = [s["result"] for s in elements["Desks are known to go missing"]["steps"]]
    assert [r["status"] for r in known_bug] == ["passed", "skipped"]
    assert known_bug[1]["error_message"].startswith("Expected to fail: bug 7: desks vanish")


def test_rule_and_examples_tags_reach_cucumber(shop_run: Path) -> None:
    _, cucumber = outputs(shop_run)
    elements = {e["name"]: e for f in cucumber for e in f["elements"]}

    def tags(name: str) -> list[str]:
        return [t["name"] for t in elements[name]["tags"]]

    assert tags("A pen costs 1") == ["@shop", "@pricing", "@prices", "@cheap"]
    assert tags("A sofa costs 999") == ["@shop", "@pricing", "@prices", "@dear"]
    assert tags("Buying a lamp") == ["@shop", "@smoke"]
    pen = elements["A pen costs 1"]
    assert pen["id"] == "shop;prices-are-what-the-list-says;a-<thing>-costs-<price>;cheap-things;2"
    assert pen["keyword"] == "Scenario Outline"
    assert [s["name"] for s in pen["steps"]] == ["an open shop", 'I buy a "pen"', "it costs 1"]


def coverage_rows(page: str) -> dict[str, str]:
    """'METHOD /path' -> that row's HTML, from the API coverage table."""
    table = page[page.index('<table class="coverage">') :].split("</table>")[0]
    rows = {}
    for row in re.findall(r'<tr class="(?:un)?touched">.*?</tr>', table, re.S):
        method, path = re.search(
            r'<span class="method">(\w+)</span> <code>([^<]+)</code>', row
        ).groups()
        rows[f"{method} {path}"] = row
    return rows


def test_the_api_coverage_table_credits_each_scenario(shop_run: Path) -> None:
    page, _ = outputs(shop_run)
    rows = coverage_rows(page)

    assert list(rows) == ["POST /things/", "GET /things/{thing_id}", "DELETE /things/{thing_id}"]
    assert 'class="untouched"' in rows["DELETE /things/{thing_id}"]
    assert "not exercised" in rows["DELETE /things/{thing_id}"]
    assert "not exercised" not in rows["POST /things/"]
    # Each cell links to the cases that got that code; an outline row links to its row.
    cells = re.findall(r"<td>(.*?)</td>", rows["GET /things/{thing_id}"], re.S)
    headers = re.findall(r"<th>(\d{3})</th>", page)
    by_code = dict(zip(headers, cells, strict=False))
    assert "Buying a lamp" in reading.coverage_cases(by_code["404"], page)
    assert "A cup costs 2" in reading.coverage_cases(by_code["404"], page)
    assert "Owning what was never bought" in reading.coverage_cases(by_code["200"], page)
    # A request no operation serves is listed apart, not credited to an operation.
    unmatched = page[page.index("Requests no documented operation serves") :]
    assert "<code>/basement</code></th><td>404</td>" in unmatched


def test_output_is_the_same_with_and_without_xdist(
    shop_run: Path, xdist_run: tuple[Path, str]
) -> None:
    parallel, printed = xdist_run
    assert "2 workers" in printed
    assert normalised(*outputs(parallel)) == normalised(*outputs(shop_run))


@pytest.mark.parametrize("run", ["alone", "xdist"])
def test_the_record_stays_out_of_the_junit_xml(
    run: str, shop_run: Path, xdist_run: tuple[Path, str]
) -> None:
    root = shop_run if run == "alone" else xdist_run[0]
    junit = (root / "reports" / "junit.xml").read_text(encoding="utf-8")
    assert '<testcase classname="features/shop.feature" name="Shop: Buying a lamp"' in junit
    assert "api_calls" not in junit
    assert "properties" not in junit


def test_deselected_scenarios_are_not_run(shop: Path) -> None:
    run_pytest(shop, *RUN_ARGS, "-k", "buying_a_lamp")
    page, cucumber = outputs(shop)
    statuses = page_statuses(page)
    assert statuses["Buying a lamp"] == "passed"
    assert statuses["Owning what was never bought"] == "not run"
    assert [e["name"] for f in scenarios(cucumber) for e in f["elements"]] == ["Buying a lamp"]


def test_without_the_option_nothing_is_written(shop: Path) -> None:
    result = run_pytest(shop, "-k", "buying_a_lamp")
    assert "1 passed, 9 deselected" in last_line(result)
    assert not (shop / "reports").exists()


def test_installed_the_plugin_is_loaded_without_being_named(early_runs: EarlyRuns) -> None:
    # No -p and no conftest line: pytest loads it through its entry point, beside every other
    # plugin installed, as in any project that installs the package.
    shop, result = early_runs.result("shop autoloading", autoloaded_shop)
    assert "1 passed, 9 deselected" in last_line(result)
    # pytest lists the plugins it loaded, each by its distribution's name and version.
    assert f"bdd-livingdoc-{version('pytest-bdd-livingdoc')}" in result.stdout
    page, _ = outputs(shop)
    assert page_statuses(page)["Buying a lamp"] == "passed"


def read_messages(root: Path) -> list[dict[str, Any]]:
    text = (root / "reports" / "messages.ndjson").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def assert_one_valid_stream(envelopes: list[dict[str, Any]]) -> None:
    """Cucumber's ordering rules: meta first, one run started and finished (last), everything
    defined before it is referred to, and each case's steps inside its started/finished."""
    kinds = [next(iter(envelope)) for envelope in envelopes]
    assert kinds[0] == "meta"
    assert kinds.count("testRunStarted") == kinds.count("testRunFinished") == 1
    assert kinds[-1] == "testRunFinished"
    defined: set[str] = set()
    open_cases: set[str] = set()
    for envelope in envelopes:
        ((kind, body),) = envelope.items()
        for key in ("pickleId", "testCaseId", "testStepId", "pickleStepId", "testRunStartedId"):
            if key in body:
                assert body[key] in defined, f"{kind} refers to {key} {body[key]} before it exists"
        if kind in ("testStepStarted", "testStepFinished", "suggestion"):
            assert kind == "suggestion" or body["testCaseStartedId"] in open_cases
        if kind == "testCaseStarted":
            open_cases.add(body["id"])
        if kind == "testCaseFinished":
            open_cases.remove(body["testCaseStartedId"])
        if kind == "testCase":
            defined.update(step["id"] for step in body["testSteps"])
        if kind == "pickle":
            defined.update(step["id"] for step in body["steps"])
        if "id" in body:
            defined.add(body["id"])
    assert not open_cases


def executions(envelopes: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(pickle name, step statuses) of every case that ran, in name order."""
    names = {e["pickle"]["id"]: e["pickle"]["name"] for e in envelopes if "pickle" in e}
    cases = {
        e["testCase"]["id"]: names[e["testCase"]["pickleId"]] for e in envelopes if "testCase" in e
    }
    started = {
        e["testCaseStarted"]["id"]: cases[e["testCaseStarted"]["testCaseId"]]
        for e in envelopes
        if "testCaseStarted" in e
    }
    steps: dict[str, list[str]] = {attempt: [] for attempt in started}
    for envelope in envelopes:
        if "testStepFinished" in envelope:
            finished = envelope["testStepFinished"]
            steps[finished["testCaseStartedId"]].append(finished["testStepResult"]["status"])
    return sorted((started[attempt], statuses) for attempt, statuses in steps.items())


def test_messages_are_one_valid_stream_alone_and_under_xdist(
    shop_run: Path, xdist_run: tuple[Path, str]
) -> None:
    alone = read_messages(shop_run)
    parallel = read_messages(xdist_run[0])

    assert_one_valid_stream(alone)
    assert_one_valid_stream(parallel)
    assert executions(parallel) == executions(alone)
    assert len(executions(alone)) == 10
    workers = {e["testCaseStarted"].get("workerId") for e in parallel if "testCaseStarted" in e}
    assert workers == {"gw0", "gw1"}
    # Every step definition, used or not, is known to the controller that never imported them.
    definitions = [e["stepDefinition"]["pattern"] for e in parallel if "stepDefinition" in e]
    assert definitions == [e["stepDefinition"]["pattern"] for e in alone if "stepDefinition" in e]
    assert len(definitions) == 6
