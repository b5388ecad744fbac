"""pytest-bdd's step lookup: checked against the pytest-bdd installed, and remembered per module.

To find the definition of a step, pytest-bdd 9 walks every fixture name pytest knows (with the
plugins', over 160 in a typical project) and asks which definitions are visible to the test, at
every step of every scenario. The answer depends only on the step's type and text and on the
test module (which fixtures a test sees is fixed by where it lives), so `install` makes it be
worked out once per module and reused; each pytest session (pytester's inner ones too) keeps its
own answers.

The walk itself (~1 ms) is also made once per module and step type, not once per distinct step
text (most steps of a suite are distinct: ~2 ms of every scenario went to it): the definitions
of that type visible to the module are remembered, and a new step text is only matched against
them, as pytest-bdd's walk matches it, with the same pieces (`CANDIDATE_PARTS`). The first answer
worked out from each remembered list is also asked of pytest-bdd's own lookup; if they ever
differ, the test fails at once (`StepLookupMismatchError`) instead of running a wrong step.

pytest-bdd has no public hook for that lookup: the cache replaces the private function
`pytest_bdd.scenario.find_fixturedefs_for_step`, which the same module calls through its
globals, and the undefined-step guard (guards.py) calls it too. A pytest-bdd release may remove
it, change its parameters or call it another way; then `check` names what moved, and the
session stops at start-up with a usage error instead of the cache silently doing nothing.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable, Iterable
from importlib.metadata import version
from types import CodeType, ModuleType
from typing import Any

import pytest
from _pytest.fixtures import FixtureDef, FixtureManager
from _pytest.nodes import Node
from pytest_bdd.parser import Step

SCENARIO_MODULE = "pytest_bdd.scenario"
LOOKUP = "find_fixturedefs_for_step"
PARAMETERS = ("step", "fixturemanager", "node")

# What pytest-bdd's lookup walks with, read from its module's globals as the lookup reads them:
# every fixture name, the definitions of a name visible to a node, and the step registry.
CANDIDATE_PARTS = ("get_fixture_names", "getfixturedefs", "step_function_context_registry")

Lookup = Callable[..., Iterable[FixtureDef[object]]]
_Key = tuple[str, str | None, str]
_FOUND = pytest.StashKey[dict[_Key, list[FixtureDef[object]]]]()
# Per (module, step type): the step definitions of that type visible there, with their parsers.
_Candidates = list[tuple[FixtureDef[object], Any]]
_CANDIDATES = pytest.StashKey[dict[tuple[str, str | None], _Candidates]]()


class StepLookupMismatchError(AssertionError):
    """The remembered step definitions found another answer than pytest-bdd's own lookup."""


# `pytest_bdd.scenario` the attribute is the decorator; the module is what calls the lookup.
_scenario_module = importlib.import_module(SCENARIO_MODULE)
# pytest-bdd's own function, whatever the module global holds once `install` has run.
_uncached: Lookup | None = getattr(_scenario_module, LOOKUP, None)
# The function pytest-bdd shipped, whose walk the cache repeats (`walk_problems`).
_PYTEST_BDDS_OWN = _uncached


def _refers_to(code: CodeType, name: str) -> bool:
    # A global read shows in co_names; nested functions and comprehensions keep their own code.
    return name in code.co_names or any(
        isinstance(const, CodeType) and _refers_to(const, name) for const in code.co_consts
    )


def callers(module: ModuleType) -> list[str]:
    """Functions defined in `module` that call the lookup through the module's globals."""
    found = []
    for name, value in vars(module).items():
        function = inspect.unwrap(value) if callable(value) else None
        if (
            inspect.isfunction(function)
            and function.__globals__ is vars(module)
            and _refers_to(function.__code__, LOOKUP)
        ):
            found.append(name)
    return found


def check(module: ModuleType, *, replaceable: bool) -> list[str]:
    """What moved in `module` (pytest-bdd's scenario module); empty when nothing did.

    `replaceable`: the cache also needs the module to call the lookup through its own global,
    and no other pytest-bdd module to hold a reference of its own that the cache would not reach.
    """
    lookup = pytest_bdd_lookup(module)
    if not inspect.isfunction(lookup):
        return [f"`{module.__name__}.{LOOKUP}` is gone"]
    problems = []
    parameters = tuple(inspect.signature(lookup).parameters)
    if parameters != PARAMETERS:
        problems.append(
            f"`{LOOKUP}` takes ({', '.join(parameters)}), not ({', '.join(PARAMETERS)})"
        )
    if replaceable:
        if not callers(module):
            problems.append(
                f"no function of `{module.__name__}` calls `{LOOKUP}` through the module's "
                "globals any more, so replacing it would change nothing"
            )
        problems.extend(
            f"`{name}` holds `{LOOKUP}` itself, so a replacement would not reach it"
            for name, other in sorted(sys.modules.items())
            if name.startswith("pytest_bdd.")
            and other is not module
            and getattr(other, LOOKUP, None) is lookup
        )
    return problems


def walk_problems(module: ModuleType, lookup: Lookup | None) -> list[str]:
    """What moved in the walk of pytest-bdd's `lookup` that the cache repeats (CANDIDATE_PARTS)."""
    code = getattr(lookup, "__code__", None)
    return [
        f"`{LOOKUP}` no longer walks with `{module.__name__}.{part}`, so the cache could miss "
        "what it finds"
        for part in CANDIDATE_PARTS
        if code is None or not _refers_to(code, part) or not hasattr(module, part)
    ]


def verify(*, replaceable: bool) -> None:
    """Raise a UsageError (pytest prints it, exit status 4) naming the pytest-bdd version and
    what moved, if anything did."""
    problems = check(_scenario_module, replaceable=replaceable)
    if replaceable and not problems:
        problems = walk_problems(_scenario_module, _PYTEST_BDDS_OWN)
    if problems:
        raise pytest.UsageError(
            f"pytest-bdd-livingdoc cannot use the private step lookup of pytest-bdd "
            f"{version('pytest-bdd')}: {'; '.join(problems)}. Its undefined-step guard and step "
            f"lookup cache rely on `{SCENARIO_MODULE}.{LOOKUP}({', '.join(PARAMETERS)})` as "
            "pytest-bdd 9 has it. Install a pytest-bdd this plugin supports, or set "
            "`livingdoc_guards = false` and `livingdoc_step_lookup_cache = false` to run without "
            "them."
        )


def install(config: pytest.Config) -> None:
    """Remember the lookups of this session (after `verify`); other sessions are unaffected."""
    global _uncached
    verify(replaceable=True)
    _uncached = pytest_bdd_lookup()
    # Process-wide, and never undone: for a session that did not install it (no answers in its
    # stash) the replacement passes every call straight through.
    setattr(_scenario_module, LOOKUP, cached_lookup)
    config.stash[_FOUND] = {}
    config.stash[_CANDIDATES] = {}


def cached_lookup(
    step: Step, fixturemanager: FixtureManager, node: Node
) -> Iterable[FixtureDef[object]]:
    assert _uncached is not None  # set before this function is ever installed
    found = fixturemanager.config.stash.get(_FOUND, None)
    if found is None:
        return _uncached(step=step, fixturemanager=fixturemanager, node=node)
    module = node.nodeid.split("::", 1)[0]
    key = (module, step.type, step.name)
    if key not in found:
        found[key] = _matching(step, fixturemanager, node, module)
    return list(found[key])


def _candidates(fixturemanager: FixtureManager, node: Node, step_type: str | None) -> _Candidates:
    """The step definitions of `step_type` visible to `node`, in the order pytest-bdd walks them."""
    names = _scenario_module.get_fixture_names(fixturemanager=fixturemanager)
    registry = _scenario_module.step_function_context_registry
    found = []
    for name in names:
        for fixturedef in _scenario_module.getfixturedefs(fixturemanager, name, node) or []:
            context = registry.get(fixturedef.func)
            if context is not None and context.type in (None, step_type):
                found.append((fixturedef, context.parser))
    return found


def _matching(
    step: Step, fixturemanager: FixtureManager, node: Node, module: str
) -> list[FixtureDef[object]]:
    assert _uncached is not None
    remembered = fixturemanager.config.stash[_CANDIDATES]
    first = (module, step.type) not in remembered
    if first:
        remembered[(module, step.type)] = _candidates(fixturemanager, node, step.type)
    answer = [
        fixturedef
        for fixturedef, parser in remembered[(module, step.type)]
        if parser.is_matching(step.name)
    ]
    if first:
        expected = list(_uncached(step=step, fixturemanager=fixturemanager, node=node))
        if answer != expected:
            raise StepLookupMismatchError(
                f"pytest-bdd-livingdoc's step lookup cache found {answer!r} for the step "
                f"{step.type} {step.name!r} in {module}, pytest-bdd {version('pytest-bdd')} "
                f"found {expected!r}. Set `livingdoc_step_lookup_cache = false` to run without "
                "the cache."
            )
    return answer


def find_fixturedefs_for_step(
    step: Step, fixturemanager: FixtureManager, node: Node
) -> Iterable[FixtureDef[object]]:
    """The definitions pytest-bdd will find for `step` (remembered, when the cache is on)."""
    lookup: Lookup = getattr(_scenario_module, LOOKUP)
    return lookup(step=step, fixturemanager=fixturemanager, node=node)


def pytest_bdd_lookup(module: ModuleType = _scenario_module) -> Lookup | None:
    """pytest-bdd's own lookup, whether or not `install` replaced it; None if there is none."""
    current: Lookup | None = getattr(module, LOOKUP, None)
    return _uncached if current is cached_lookup else current
