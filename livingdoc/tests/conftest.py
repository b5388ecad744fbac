"""The plugin's own tests: self-contained, whether run alone (`cd livingdoc && pytest`) or as part
of a project's suite. They build their own sample projects and import nothing but the installed
plugin and this folder's helpers (shop_project.py).
"""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

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
