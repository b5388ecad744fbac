"""The generated page in a real browser: Playwright driving Debian's Chromium.

Never downloads a browser: it launches /usr/bin/chromium (`apt-get install -y chromium`,
which .ci/run does) and skips, saying so, where that is missing.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

# Under the rootdir of the run: the project's reports/ when the project's suite runs this test.
SCREENSHOT = Path("reports", "living-docs-browser.png")


@pytest.fixture
def generated_page(shop_run: Path) -> Path:
    # The run's shop (conftest.py): its page.
    return shop_run / "reports" / "living-docs" / "index.html"


@pytest.fixture
def browser_page(chromium: Browser, generated_page: Path) -> Iterator[tuple[Page, list[str]]]:
    # The run's browser (conftest.py), in a context of this test's own.
    requests: list[str] = []
    context = chromium.new_context(viewport={"width": 1280, "height": 1600})
    try:
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(generated_page.as_uri())
        # The script draws the scenarios from the page's data, then marks the page ready.
        page.wait_for_selector("html[data-ready]")
        yield page, requests
    finally:
        context.close()


def visible_scenarios(page: Page) -> list[str]:
    return page.locator("article.scenario:visible .name").all_inner_texts()


def shown(page: Page) -> str:
    return page.locator("#shown").inner_text()


def test_filter_by_tag_search_and_follow_a_coverage_link(
    browser_page: tuple[Page, list[str]], generated_page: Path, pytestconfig: pytest.Config
) -> None:
    page, requests = browser_page
    assert shown(page) == "11 of 11 scenarios shown"
    assert len(visible_scenarios(page)) == 9  # an outline is one scenario of three cases

    page.get_by_role("button", name="@pricing").click()
    assert visible_scenarios(page) == ["A <thing> costs <price>"]
    assert shown(page) == "3 of 11 scenarios shown"
    page.get_by_role("button", name="@dear").click()  # tags combine: @pricing and @dear
    assert page.locator("tr.row:visible").count() == 1
    assert shown(page) == "1 of 11 scenarios shown"

    page.get_by_role("button", name="Clear filters").click()
    page.get_by_role("searchbox").fill("stockroom")
    assert visible_scenarios(page) == ["Fetching a chair from the stockroom"]
    assert page.locator("section.feature:visible h2").all_inner_texts() == ["Feature: Shop @shop"]
    failure = page.locator("article.scenario:visible pre.msg")
    assert "RuntimeError: the stockroom is under water" in failure.inner_text()

    page.get_by_role("searchbox").fill("")
    page.locator("button[data-status-filter='failed']").click()
    assert sorted(visible_scenarios(page)) == [
        "A <thing> costs <price>",
        "Fetching a chair from the stockroom",
        "Owning what was never bought",
    ]
    assert shown(page) == "3 of 11 scenarios shown"

    # A coverage link to a scenario the filter hides clears the filters and shows it. A cell
    # lists its scenarios once opened.
    for summary in page.locator("#api-coverage details.cases > summary").all():
        summary.click()
    cell = page.locator("#api-coverage details", has=page.locator("a", has_text="Buying a lamp"))
    cell.first.get_by_role("link", name="Buying a lamp").click()
    # The link changes the address's fragment; the page answers on `hashchange`, a task of its
    # own after the click returns: waited for, not read at once (a race CI lost).
    expect(page.locator("#f-features-shop-feature-7")).to_be_visible()
    expect(page.locator("#shown")).to_have_text("11 of 11 scenarios shown")

    screenshot = pytestconfig.rootpath / SCREENSHOT
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.get_by_role("searchbox").fill("lamp")
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    # Self-contained: the page itself is the only thing the browser ever asked for.
    assert set(requests) == {generated_page.as_uri()}
