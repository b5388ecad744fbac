"""The plugin's own tests: self-contained, whether run alone (`cd livingdoc && pytest`) or as part
of a project's suite. They build their own sample projects and import nothing but the installed
plugin and this folder's helpers (shop_project.py).
"""

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from shop_project import EarlyRuns

HERE = Path(__file__).resolve().parent
EARLY_RUNS = pytest.StashKey["EarlyRuns"]()
# Debian's Chromium (`apt-get install -y chromium`, which .ci/run does): never a downloaded one.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Heavyweight: nested pytest runs (pytester, subprocesses) and a browser. Marked `slow`, so
# `pytest -m "not slow"` is the fast core: every unit of the plugin.
SLOW_MODULES = frozenset(
    {
        "test_plugin.py",
        "test_browser.py",
        "test_guards.py",
        "test_cck.py",
        "test_truth.py",
        "test_summary.py",
        "test_official_report.py",
        "test_sharding.py",
        "test_wip.py",
        "test_step_catalogue.py",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest's collection hook sees the whole session's items: mark only this folder's.
    for item in items:
        if item.path.name in SLOW_MODULES and item.path.parent.resolve() == HERE:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shop_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the shop (shop_project.py) with every output, shared by the tests of every
    module that only read what it wrote: the page, Cucumber JSON, messages and JUnit XML."""
    from shop_project import RUN_ARGS, SHOP_OUTCOME, run_pytest, write_shop_project

    root = write_shop_project(tmp_path_factory.mktemp("shop"))
    result = run_pytest(root, *RUN_ARGS)
    assert SHOP_OUTCOME in result.stdout
    assert result.returncode == pytest.ExitCode.TESTS_FAILED  # and the documentation is written
    return root


@pytest.fixture(scope="module")
def chromium() -> Iterator["Browser"]:
    """One headless Chromium for the browser tests of a module (a launch costs a second or two);
    each test opens a context of its own in it, so no page, cookie or storage is shared.

    Not one for the whole run: while Playwright's sync API lives it marks an asyncio loop as
    running in the main thread, and an async test (anyio) that runs meanwhile in the same
    process cannot start its own ("Cannot run the event loop while another loop is running").
    Test orders keep a module's tests together, so a module's browser is gone before another
    module's async tests run."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` to run this test")
    # Imported here: the fast core never starts a browser.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    # Playwright gone, the main thread runs no loop again: what the async tests need.
    assert asyncio._get_running_loop() is None


def pytest_collection_finish(session: pytest.Session) -> None:
    # The runs in processes of their own this folder's selected tests will read (each module's
    # EARLY_RUNS), started now (shop_project.EarlyRuns). Not in an xdist worker, which does not
    # know which tests it will get, nor when nothing is to run.
    if os.environ.get("PYTEST_XDIST_WORKER") or session.config.option.collectonly:
        return
    modules = {
        item.module
        for item in session.items
        if isinstance(item, pytest.Function) and item.path.parent.resolve() == HERE
    }
    for module in sorted(modules, key=lambda module: module.__name__):
        for name, run in getattr(module, "EARLY_RUNS", {}).items():
            early_runs_of(session.config).start(name, run)


def early_runs_of(config: pytest.Config) -> "EarlyRuns":
    from shop_project import EarlyRuns

    if EARLY_RUNS not in config.stash:
        config.stash[EARLY_RUNS] = EarlyRuns()
        config.add_cleanup(config.stash[EARLY_RUNS].close)
    return config.stash[EARLY_RUNS]


@pytest.fixture(scope="session")
def early_runs(pytestconfig: pytest.Config) -> "EarlyRuns":
    """The runs started when collection ended; a run nobody started starts when asked."""
    return early_runs_of(pytestconfig)
