"""pytest-bdd's step lookup, remembered per test module; loaded as a plugin by the root conftest.

To find the definition of a step, pytest-bdd 9 walks every fixture name pytest knows (with the
plugins', over 160 here) and asks which definitions are visible to the test, at every step of
every scenario: measured at about 1 ms a lookup, some 1,000 lookups in the acceptance suite,
a second of a run whose floor is about one. The answer depends only on the step's type and text
and on the test module (which fixtures a test sees is fixed by where it lives), so it is worked
out once per module and reused; each pytest session (pytester's inner ones too) keeps its own.
"""

import importlib
from collections.abc import Iterable

import pytest
from _pytest.fixtures import FixtureDef, FixtureManager
from _pytest.nodes import Node
from pytest_bdd.parser import Step

# `pytest_bdd.scenario` the attribute is the decorator; the module is what calls the lookup.
_scenario_module = importlib.import_module("pytest_bdd.scenario")
_find_uncached = _scenario_module.find_fixturedefs_for_step

_Key = tuple[str, str | None, str]
_FOUND = pytest.StashKey[dict[_Key, list[FixtureDef[object]]]]()


def find_fixturedefs_for_step(
    step: Step, fixturemanager: FixtureManager, node: Node
) -> Iterable[FixtureDef[object]]:
    found = fixturemanager.config.stash.setdefault(_FOUND, {})
    key = (node.nodeid.split("::", 1)[0], step.type, step.name)
    if key not in found:
        found[key] = list(_find_uncached(step=step, fixturemanager=fixturemanager, node=node))
    return list(found[key])


_scenario_module.find_fixturedefs_for_step = find_fixturedefs_for_step
