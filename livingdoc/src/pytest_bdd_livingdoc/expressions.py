"""Cucumber Expressions as a pytest-bdd step parser.

    @given(CucumberExpression("I have {int} cukes in my belly", "count"))


pytest-bdd matches steps with its own parsers (plain strings, `parse`, `cfparse`, `re`); Cucumber
writes step definitions as Cucumber Expressions. This parser runs the official
`cucumber-expressions` package, so a step definition reads as it would in any Cucumber, its
arguments arrive converted (`{int}` an int, `{string}` without its quotes), and the Cucumber
Messages the plugin writes carry the expression and its matched groups as Cucumber's own do.

pytest-bdd hands arguments to the step function by name: name them in order
(`CucumberExpression("{int} cukes in {word}", "count", "where")`), or leave them out to get the
parameter types' names (`int`, `word`; a repeated type is numbered: `int`, `int_2`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from cucumber_expressions.argument import Argument
from cucumber_expressions.expression import CucumberExpression as _Expression
from cucumber_expressions.parameter_type_registry import ParameterTypeRegistry
from pytest_bdd.parsers import StepParser


class CucumberExpression(StepParser):
    def __init__(
        self,
        expression: str,
        *names: str,
        parameter_types: ParameterTypeRegistry | None = None,
    ) -> None:
        super().__init__(expression)
        self.expression = _Expression(expression, parameter_types or ParameterTypeRegistry())
        types = [parameter.name for parameter in self.expression.parameter_types]
        if names and len(names) != len(types):
            raise ValueError(
                f"{expression!r} has {len(types)} parameter(s), but {len(names)} name(s) were given"
            )
        self.names: tuple[str, ...] = names or _default_names(types)

    def match(self, name: str) -> list[Argument] | None:
        arguments: list[Argument] | None = self.expression.match(name)
        return arguments

    def is_matching(self, name: str) -> bool:
        return self.match(name) is not None

    def parse_arguments(self, name: str) -> dict[str, Any] | None:
        arguments = self.match(name)
        if arguments is None:
            return None
        return {n: argument.value for n, argument in zip(self.names, arguments, strict=True)}

    def __repr__(self) -> str:
        return f"CucumberExpression({self.name!r})"


def _default_names(types: list[str]) -> tuple[str, ...]:
    seen: Counter[str] = Counter()
    names = []
    for kind in types:
        seen[kind] += 1
        names.append(kind if seen[kind] == 1 else f"{kind}_{seen[kind]}")
    return tuple(names)
