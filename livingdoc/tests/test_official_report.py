"""The official renderer reads our messages: Cucumber's own HTML report
(`@cucumber/html-formatter`, from the npm registry) renders the shop's `messages.ndjson`, and
Debian's Chromium shows every scenario with the status the run gave it, without a console error.

The formatter is installed by `make docs-html-deps` (npm ci in livingdoc/html-formatter/, which
.ci/run and check_clean_install.sh run). Where node, its packages or Chromium are missing the test
skips, saying which; with LIVINGDOC_REQUIRE_OFFICIAL_REPORT=1 (.ci/run sets it) it fails instead.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from shop_project import EXPECTED_STATUSES

FORMATTER = Path(__file__).resolve().parents[1] / "html-formatter"
CHROMIUM = Path("/usr/bin/chromium")  # the one conftest.py's `chromium` launches
WORST_FIRST = ("FAILED", "AMBIGUOUS", "UNDEFINED", "PENDING", "UNKNOWN", "SKIPPED", "PASSED")


def missing() -> str | None:
    if shutil.which("node") is None:
        return "no node: install nodejs and npm, then `make docs-html-deps`"
    if not (FORMATTER / "node_modules" / "@cucumber" / "html-formatter").is_dir():
        return f"@cucumber/html-formatter is not installed: `npm ci --prefix {FORMATTER}`"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}: `apt-get install -y chromium`"
    return None


@pytest.fixture
def official_report(
    shop_run: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Page, list[str], list[str]]]:
    reason = missing()
    if reason:
        if os.environ.get("LIVINGDOC_REQUIRE_OFFICIAL_REPORT") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    # The run's shop (conftest.py): its messages, rendered beside this test.
    report = tmp_path / "cucumber-report.html"
    subprocess.run(
        [
            "node",
            str(FORMATTER / "render.mjs"),
            str(shop_run / "reports" / "messages.ndjson"),
            str(report),
        ],
        check=True,
        timeout=60,
    )
    problems: list[str] = []
    requests: list[str] = []
    # The run's browser (conftest.py), asked for once node and the formatter are known there.
    browser: Browser = request.getfixturevalue("chromium")
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(report.as_uri())
        page.wait_for_selector("li[data-status]")
        yield page, problems, requests
    finally:
        context.close()


def test_the_official_report_shows_every_scenario_with_its_status(official_report) -> None:
    page, problems, requests = official_report
    shown = page.evaluate(
        """() => [...document.querySelectorAll('h2')]
            .filter(h => h.textContent.startsWith('Scenario: '))
            .map(h => [h.textContent.slice('Scenario: '.length),
                       [...h.closest('section').querySelectorAll('li[data-status]')]
                           .map(li => li.dataset.status)])"""
    )
    statuses = {name: min(steps, key=WORST_FIRST.index).lower() for name, steps in shown}
    expected = {
        name: status
        for name, status in EXPECTED_STATUSES.items()
        if status != "not run" and not name.startswith("A ")  # outline rows: counted below
    }
    assert statuses == expected
    # The report's own totals count the outline rows too: 10 cases that ran.
    body = page.inner_text("body")
    for status, count in (("PASSED", 3), ("FAILED", 3), ("UNDEFINED", 2), ("SKIPPED", 2)):
        assert f"{status} {count}" in body.replace("\n", " ")
    assert "30% (3 / 10) passed" in body
    assert problems == []
    assert all(url.startswith("file://") for url in requests)
