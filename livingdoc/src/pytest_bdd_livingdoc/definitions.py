"""The step definitions of a run, and how each step matches one, as Cucumber Messages has them.

pytest-bdd registers a step definition as a fixture whose function its
`step_function_context_registry` maps to the definition (type, parser, function). The run's
definitions are the fixtures of that kind the session knows, used or not (Cucumber lists them
all). A step's definition is the one pytest-bdd will call: of the definitions visible to the
test that match the step, the last (pytest resolves a fixture name to its closest definition).

Each pytest-bdd parser is described as Cucumber describes a pattern: a Cucumber Expression
(`CucumberExpression`, and a plain string, escaped) or a regular expression (`parsers.re`, and
`parse`/`cfparse` by the regular expression they compile to), with the groups it matched.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from _pytest.fixtures import FixtureManager
from _pytest.nodes import Node
from cucumber_expressions.group import Group
from cucumber_expressions.parameter_type_registry import ParameterTypeRegistry
from cucumber_expressions.regular_expression import RegularExpression
from pytest_bdd import parsers
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.parser import Step
from pytest_bdd.steps import StepFunctionContext, StepNamePrefix, step_function_context_registry

from pytest_bdd_livingdoc.expressions import CucumberExpression
from pytest_bdd_livingdoc.features import relative_path
from pytest_bdd_livingdoc.model import StepDefinition
from pytest_bdd_livingdoc.step_lookup import find_fixturedefs_for_step

CUCUMBER_EXPRESSION = "CUCUMBER_EXPRESSION"
REGULAR_EXPRESSION = "REGULAR_EXPRESSION"
_SPECIAL = re.compile(r"([\\(){}/])")  # what a Cucumber Expression reads as syntax

Match = tuple[str, list[dict[str, Any]]]


def describe(context: StepFunctionContext, rootdir: Path) -> StepDefinition:
    function = inspect.unwrap(context.step_func)
    code = getattr(function, "__code__", None)
    uri = "<unknown>" if code is None else relative_path(Path(code.co_filename), rootdir)
    line = 0 if code is None else code.co_firstlineno
    pattern_type, source = _pattern(context.parser)
    return StepDefinition(context.type, pattern_type, source, uri, line)


def _pattern(parser: parsers.StepParser) -> tuple[str, str]:
    if isinstance(parser, CucumberExpression):
        return CUCUMBER_EXPRESSION, parser.name
    if isinstance(parser, parsers.re):
        return REGULAR_EXPRESSION, parser.regex.pattern
    if isinstance(parser, parsers.parse):
        # The `parse` library compiles the format to a regular expression; it has no public
        # name for it, so the format itself stands in where that moved.
        compiled = getattr(parser.parser, "_match_re", None)
        return REGULAR_EXPRESSION, getattr(compiled, "pattern", parser.name)
    regex = getattr(parser, "regex", None)
    if isinstance(regex, re.Pattern):
        return REGULAR_EXPRESSION, regex.pattern
    return CUCUMBER_EXPRESSION, _SPECIAL.sub(r"\\\1", parser.name)


def arguments(parser: parsers.StepParser, text: str) -> list[dict[str, Any]]:
    """The arguments `parser` takes from `text`, as StepMatchArguments (dicts, camelCase)."""
    if isinstance(parser, CucumberExpression):
        return [
            _argument(argument.group, argument.parameter_type.name)
            for argument in parser.match(text) or []
        ]
    if isinstance(parser, parsers.re):
        found = RegularExpression(parser.regex, ParameterTypeRegistry()).match(text)
        return [_argument(argument.group, None) for argument in found or []]
    if isinstance(parser, parsers.parse):
        result = parser.parser.parse(text)
        spans = sorted(getattr(result, "spans", {}).values())
        return [_argument(Group(text[a:b], a, b, None), None) for a, b in spans]
    return []


def _argument(group: Group | None, type_name: str | None) -> dict[str, Any]:
    argument: dict[str, Any] = {"group": _group(group)}
    if type_name:
        argument["parameterTypeName"] = type_name
    return argument


def _group(group: Group | None) -> dict[str, Any]:
    if group is None:
        return {}
    found: dict[str, Any] = {}
    if group.start is not None and group.value is not None:
        found["start"] = group.start
        found["value"] = group.value
    if group.children:
        found["children"] = [_group(child) for child in group.children]
    return found


def run_definitions(items: list[pytest.Item], rootdir: Path) -> list[StepDefinition]:
    """Every step definition visible to the collected tests, in the order of their source."""
    if not items:
        return []
    manager = items[0].session._fixturemanager
    names = [n for n in get_fixture_names(manager) if n.startswith(StepNamePrefix.step_def.value)]
    # Tests of one module see the same definitions: ask once per module.
    nodes = {item.nodeid.split("::", 1)[0]: item for item in items}
    found = set()
    for node in nodes.values():
        for name in names:
            for fixturedef in getfixturedefs(manager, name, node) or []:
                context = step_function_context_registry.get(fixturedef.func)
                # pytest-bdd's own `trace` steps (a debugger breakpoint) are not the project's.
                if context is not None and not _of_pytest_bdd(context):
                    found.add(describe(context, rootdir))
    return sorted(found, key=lambda d: (d.uri, d.line, d.key))


def _of_pytest_bdd(context: StepFunctionContext) -> bool:
    return str(getattr(context.step_func, "__module__", "")).startswith("pytest_bdd.")


def match(step: Step, manager: FixtureManager, node: Node, rootdir: Path) -> Match | None:
    """The definition pytest-bdd will call for `step` in the test `node`, and its arguments."""
    contexts = [
        step_function_context_registry[fixturedef.func]
        for fixturedef in find_fixturedefs_for_step(step, manager, node)
        if fixturedef.func in step_function_context_registry
    ]
    if not contexts:
        return None
    context = contexts[-1]
    try:
        found = arguments(context.parser, step.name)
    except Exception:  # a parser Cucumber cannot read: the run matters more than its groups
        found = []
    return describe(context, rootdir).key, found
