"""Runtime guards for a pytest-bdd suite: a pytest plugin of its own.

The entry-point plugin (plugin.py) registers it unless `livingdoc_guards = false`; alone, it loads
with `-p pytest_bdd_livingdoc.guards`. pytest-bdd 9 has two quiet failure modes these hooks make
loud:

- it calls step functions synchronously, so an `async def` step returns a coroutine nobody awaits
  (and an async generator step is never even started): the step's body never runs, yet the scenario
  passes;
- it looks a step definition up only when the scenario reaches that step, so undefined steps are
  reported one at a time, after the earlier steps have already acted, and not at all when an
  earlier step skips the scenario.

An undefined step is reported with the closest wordings the visible step definitions allow
(suggestions.py). A scenario tagged as work in progress (`@wip`, the tag `livingdoc_wip_tag`
names) whose steps are not all defined is pending instead of failed: the guard raises `Pending`
(wip.py says what becomes of it).
"""

import inspect
import os
from collections.abc import Callable

import pytest
from _pytest.fixtures import FixtureRequest
from pytest_bdd.exceptions import StepDefinitionNotFoundError
from pytest_bdd.parser import Feature, Scenario, Step

from pytest_bdd_livingdoc import options
from pytest_bdd_livingdoc.pending import Pending

# pytest-bdd's own lookup (remembered per test module when the cache is on): the guard asks what
# pytest-bdd will ask.
from pytest_bdd_livingdoc.step_lookup import find_fixturedefs_for_step, verify
from pytest_bdd_livingdoc.suggestions import Suggestion, suggestions_for


class UndefinedStepError(StepDefinitionNotFoundError):
    """pytest-bdd's error for a step no definition matches, with the closest wordings."""

    def __init__(self, message: str, suggestions: list[Suggestion]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class PendingStepError(UndefinedStepError, Pending):
    """An undefined step of work in progress: reporters mark it `pending`, not `undefined`."""


def pytest_configure(config: pytest.Config) -> None:
    # The up-front lookup calls a private pytest-bdd function: refuse to start on a pytest-bdd
    # where it moved, rather than pass scenarios whose steps were never looked up.
    verify(replaceable=False)
    # What a pending scenario becomes, when the guards are loaded alone (by name: once only).
    config.pluginmanager.import_plugin("pytest_bdd_livingdoc.wip")


def _is_async(func: Callable[..., object]) -> bool:
    # A sync wrapper (functools.wraps) around an async step is just as unawaited.
    candidates = (func, inspect.unwrap(func))
    return any(inspect.iscoroutinefunction(f) or inspect.isasyncgenfunction(f) for f in candidates)


def _where(request: FixtureRequest, feature: Feature, line: int) -> str:
    return f"{os.path.relpath(feature.filename, request.config.rootpath)}:{line}"


def _defined_at(func: Callable[..., object]) -> str:
    code = getattr(inspect.unwrap(func), "__code__", None)
    if code is None:
        return repr(func)
    return f"{os.path.relpath(code.co_filename)}:{code.co_firstlineno}"


def _is_defined(request: FixtureRequest, step: Step) -> bool:
    definitions = find_fixturedefs_for_step(step, request._fixturemanager, request.node)
    return next(iter(definitions), None) is not None


def undefined_steps(request: FixtureRequest, scenario: Scenario) -> list[Step]:
    """The steps of `scenario` that no step definition visible to this test can parse."""
    # The same lookup pytest-bdd makes lazily, step by step; visibility of step definitions
    # cannot change while a scenario runs, so asking up front gives the same answer.
    return [step for step in scenario.steps if not _is_defined(request, step)]


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(
    request: FixtureRequest, feature: Feature, scenario: Scenario
) -> None:
    missing = undefined_steps(request, scenario)
    if not missing:
        return
    wip = options.wip_tag(request.config)
    in_progress = request.node.get_closest_marker(wip) is not None
    error = PendingStepError if in_progress else UndefinedStepError
    suggested = {step.line_number: suggestions_for(request, step) for step in missing}
    for step in missing:
        # The hook pytest-bdd fires for the one undefined step it finds, so reporters that listen
        # to it (cucumber JSON, living docs) hear about every step this guard finds.
        request.config.hook.pytest_bdd_step_func_lookup_error(
            request=request,
            feature=feature,
            scenario=scenario,
            step=step,
            exception=error(
                f"Step definition is not found: {step}. Line {step.line_number} in scenario "
                f'"{scenario.name}" in the feature "{feature.filename}"',
                suggested[step.line_number],
            ),
        )
    listing = "\n".join(
        f"  {_where(request, feature, step.line_number)}  {step.keyword.strip()} {step.name!r}"
        f"  -> needs @{step.type}({step.name!r})"
        + "".join(
            f"\n      closest wording: {step.keyword.strip()} {suggestion}"
            for suggestion in suggested[step.line_number]
        )
        for step in missing
    )
    where = _where(request, feature, scenario.line_number)
    if in_progress:
        raise Pending(
            f"Scenario {scenario.name!r} ({where}) is work in progress (@{wip}) with "
            f"{len(missing)} undefined step(s); no step ran:\n{listing}"
        )
    pytest.fail(
        f"Scenario {scenario.name!r} ({where}) has {len(missing)} undefined step(s); no step "
        f"ran:\n{listing}",
        pytrace=False,
    )


def pytest_bdd_before_step_call(
    request: FixtureRequest,
    feature: Feature,
    scenario: Scenario,
    step: Step,
    step_func: Callable[..., object],
) -> None:
    if not _is_async(step_func):
        return
    # Raised inside pytest-bdd's step try-block, so its reports mark this step as the failed one.
    where = _where(request, feature, step.line_number)
    pytest.fail(
        f"{step.keyword.strip()} {step.name!r} ({where}, scenario "
        f"{scenario.name!r}) is implemented by an async function "
        f"{step_func.__qualname__} at {_defined_at(step_func)}. pytest-bdd never awaits a step, "
        "so its body would not run and the scenario would pass anyway. Write the step as a "
        "plain `def`.",
        pytrace=False,
    )
