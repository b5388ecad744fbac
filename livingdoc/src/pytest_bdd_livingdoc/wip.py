"""Work in progress: the `@wip` tag, and what a pending scenario does to a run.

A product owner tags a scenario `@wip` (the tag `livingdoc_wip_tag` names) while its steps are
being written. This plugin registers the tag as a marker, so `--strict-markers` accepts it, and
the undefined-step guard (guards.py) raises `Pending` for such a scenario instead of failing it.
The plugin (plugin.py) turns a scenario's `Pending` into a skip whose reason starts "Pending:"
and records the scenario as pending, so a run whose only trouble is work in progress succeeds.
An undefined step in a scenario without the tag fails as before, and `Pending` raised from a test
that is not a pytest-bdd scenario fails that test.

The guards also load alone (`-p pytest_bdd_livingdoc.guards`), without plugin.py: then the
report hook below makes the same skip, so the run's outcome does not depend on which way the
guards came. With the whole plugin it finds the report already skipped and does nothing.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

from pytest_bdd_livingdoc import options
from pytest_bdd_livingdoc.pending import Pending

REASON_PREFIX = "Pending: "


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{options.wip_tag(config)}: work in progress; a scenario with undefined steps is "
        "pending, not failed (pytest-bdd-livingdoc)",
    )


def is_scenario(item: pytest.Item) -> bool:
    function = getattr(item, "obj", None)
    return registry_get_safe(scenario_wrapper_template_registry, function) is not None


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if (
        report.outcome == "failed"
        and call.excinfo is not None
        and call.excinfo.errisinstance(Pending)
        and is_scenario(item)
    ):
        report.outcome = "skipped"
        reason = str(call.excinfo.value) or "work in progress"
        _, line, _ = item.location
        # (path, line, reason): how pytest itself describes a skip.
        report.longrepr = (str(item.path), (line or 0) + 1, REASON_PREFIX + reason)
    return report
