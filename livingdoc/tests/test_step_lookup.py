"""The check behind the step lookup cache and the undefined-step guard: it names what moved.

Each case is a stand-in for pytest-bdd's scenario module, as a later release might have it.
test_guards.py proves, through whole runs, that a failed check stops the run at start-up.
"""

import importlib
import sys
import textwrap
import types

import pytest

from pytest_bdd_livingdoc import step_lookup

AS_PYTEST_BDD_9_HAS_IT = """
    import contextlib


    def find_fixturedefs_for_step(step, fixturemanager, node):
        return []


    @contextlib.contextmanager
    def inject_fixturedefs_for_step(step, fixturemanager, node):
        # Called from a comprehension: its own code object, nested in the function's.
        yield [d for d in find_fixturedefs_for_step(step, fixturemanager, node)]
    """


def scenario_module(source: str, name: str = "pytest_bdd.later_scenario") -> types.ModuleType:
    module = types.ModuleType(name)
    exec(textwrap.dedent(source), vars(module))
    return module


def test_the_installed_pytest_bdd_passes() -> None:
    module = importlib.import_module(step_lookup.SCENARIO_MODULE)
    assert step_lookup.check(module, replaceable=True) == []
    assert step_lookup.callers(module) == ["inject_fixturedefs_for_step"]


def test_a_module_as_pytest_bdd_9_has_it_passes() -> None:
    module = scenario_module(AS_PYTEST_BDD_9_HAS_IT)
    assert step_lookup.check(module, replaceable=True) == []


def test_a_missing_lookup_is_named() -> None:
    module = scenario_module("def inject_fixturedefs_for_step(step, fixturemanager, node): ...")
    expected = ["`pytest_bdd.later_scenario.find_fixturedefs_for_step` is gone"]
    assert step_lookup.check(module, replaceable=False) == expected


def test_changed_parameters_are_named() -> None:
    source = AS_PYTEST_BDD_9_HAS_IT.replace(
        "def find_fixturedefs_for_step(step, fixturemanager, node)",
        "def find_fixturedefs_for_step(step, request)",
    )
    assert step_lookup.check(scenario_module(source), replaceable=False) == [
        "`find_fixturedefs_for_step` takes (step, request), not (step, fixturemanager, node)"
    ]


def test_a_lookup_no_longer_called_through_the_module_global_is_named() -> None:
    # The function is still there, so the guard can call it; replacing it would change nothing.
    module = scenario_module(
        """
        import contextlib


        def find_fixturedefs_for_step(step, fixturemanager, node):
            return []


        _lookup = find_fixturedefs_for_step


        @contextlib.contextmanager
        def inject_fixturedefs_for_step(step, fixturemanager, node):
            yield list(_lookup(step=step, fixturemanager=fixturemanager, node=node))
        """
    )
    assert step_lookup.check(module, replaceable=False) == []
    assert step_lookup.check(module, replaceable=True) == [
        "no function of `pytest_bdd.later_scenario` calls `find_fixturedefs_for_step` through "
        "the module's globals any more, so replacing it would change nothing"
    ]


def test_another_module_holding_the_lookup_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    module = scenario_module(AS_PYTEST_BDD_9_HAS_IT)
    steps = types.ModuleType("pytest_bdd.later_steps")
    steps.find_fixturedefs_for_step = module.find_fixturedefs_for_step  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pytest_bdd.later_steps", steps)
    assert step_lookup.check(module, replaceable=True) == [
        "`pytest_bdd.later_steps` holds `find_fixturedefs_for_step` itself, so a replacement "
        "would not reach it"
    ]


def test_the_error_names_the_pytest_bdd_version_and_what_moved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(importlib.import_module(step_lookup.SCENARIO_MODULE), step_lookup.LOOKUP)
    with pytest.raises(pytest.UsageError) as raised:  # pytest prints it and exits with 4
        step_lookup.verify(replaceable=False)
    message = str(raised.value)
    assert message.startswith(
        "pytest-bdd-livingdoc cannot use the private step lookup of pytest-bdd 9."
    )
    assert ": `pytest_bdd.scenario.find_fixturedefs_for_step` is gone." in message
    assert "`livingdoc_guards = false` and `livingdoc_step_lookup_cache = false`" in message
