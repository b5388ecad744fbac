"""Cucumber Expressions as a pytest-bdd step parser, and a project's vocabulary of parameter types.

    @given(CucumberExpression("I have {int} cukes in my belly", "count"))


pytest-bdd matches steps with its own parsers (plain strings, `parse`, `cfparse`, `re`); Cucumber
writes step definitions as Cucumber Expressions. This parser runs the official
`cucumber-expressions` package, so a step definition reads as it would in any Cucumber, its
arguments arrive converted (`{int}` an int, `{string}` without its quotes), and the Cucumber
Messages the plugin writes carry the expression and its matched groups as Cucumber's own do.

pytest-bdd hands arguments to the step function by name: name them in order
(`CucumberExpression("{int} cukes in {word}", "count", "where")`), or leave them out to get the
parameter types' names as Python names (`int`, `word`, `item_name` for `{item name}`; a repeated
type is numbered: `int`, `int_2`).

A project with words of its own keeps them in a `Vocabulary`: each parameter type with its
regular expression, how its text becomes a value, and a description the step catalogue
(step_catalogue.py) shows the people who write the features:

    words = Vocabulary()
    words.define("actor", r"[A-Z][a-z]+", description="a person, by first name")
    words.quoted("item name", description="an item's name, in double quotes")

    @when(words.expression("{actor} removes the {item name}"))
    def _(actor: str, item_name: str) -> None: ...

Deciding whether a step matches is one compiled regular expression; the arguments are converted
only for the definition that matched (tools/benchmarks/step_matching.py measures both).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from cucumber_expressions.argument import Argument
from cucumber_expressions.expression import CucumberExpression as _Expression
from cucumber_expressions.parameter_type import ParameterType
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
        self.regex: re.Pattern[str] = self.expression.tree_regexp.regexp
        self.type_names: list[str] = [p.name for p in self.expression.parameter_types]
        if names and len(names) != len(self.type_names):
            raise ValueError(
                f"{expression!r} has {len(self.type_names)} parameter(s), but {len(names)} "
                "name(s) were given"
            )
        self.names: tuple[str, ...] = names or _default_names(self.type_names)
        # The vocabulary that made it, if any: the step catalogue lists its placeholders.
        self.vocabulary: Vocabulary | None = None

    def match(self, name: str) -> list[Argument] | None:
        arguments: list[Argument] | None = self.expression.match(name)
        return arguments

    def is_matching(self, name: str) -> bool:
        # The expression's own regular expression, without building its groups: this question
        # is asked of every visible definition for every step looked up.
        return self.regex.match(name) is not None

    def parse_arguments(self, name: str) -> dict[str, Any] | None:
        arguments = self.match(name)
        if arguments is None:
            return None
        return {n: argument.value for n, argument in zip(self.names, arguments, strict=True)}

    def __repr__(self) -> str:
        return f"CucumberExpression({self.name!r})"


def argument_name(type_name: str) -> str:
    """The keyword argument a parameter type's value arrives as: `item name` -> `item_name`."""
    return re.sub(r"\W+", "_", type_name).strip("_")


def _default_names(types: list[str]) -> tuple[str, ...]:
    seen: Counter[str] = Counter()
    names = []
    for kind in types:
        name = argument_name(kind)
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return tuple(names)


@dataclass(frozen=True)
class Placeholder:
    """A parameter type as the step catalogue explains it."""

    name: str
    description: str
    # The phrases it accepts, when it is a closed list; otherwise its regular expression.
    phrases: tuple[str, ...] = ()
    regexp: str = ""

    @property
    def accepts(self) -> str:
        if self.phrases:
            return " | ".join(self.phrases)
        return f"/{self.regexp}/"


def _alternatives(phrases: Iterable[str]) -> str:
    # Longest first, so that a phrase that extends another is tried before it.
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _same(text: str) -> str:
    return text


class Vocabulary:
    """The parameter types of a project's step patterns, and the parser that knows them."""

    def __init__(self) -> None:
        self.registry = ParameterTypeRegistry()
        self.placeholders: dict[str, Placeholder] = {}

    def define(
        self,
        name: str,
        regexp: str,
        transformer: Callable[..., Any] | None = None,
        *,
        description: str,
        phrases: Iterable[str] = (),
    ) -> None:
        """A parameter type: text matching `regexp`, turned into a value by `transformer`.

        `transformer` gets the text of each capturing group of `regexp` (or the whole match when
        it has none); without one, the value is the matched text.
        """
        if name in self.placeholders:
            raise ValueError(f"the parameter type {{{name}}} is defined twice")
        self.registry.define_parameter_type(
            ParameterType(name, regexp, object, transformer or _same, use_for_snippets=False)
        )
        self.placeholders[name] = Placeholder(name, description, tuple(phrases), regexp)

    def phrases(self, name: str, values: Mapping[str, object], *, description: str) -> None:
        """A closed list of phrases, each standing for its value."""
        self.define(
            name,
            _alternatives(values),
            values.__getitem__,
            description=description,
            phrases=values,
        )

    def enum(self, name: str, enum: type[Enum], *, description: str) -> None:
        """The values of `enum`, each written as its value."""
        self.phrases(name, {str(member.value): member for member in enum}, description=description)

    def quoted(self, name: str, *, description: str) -> None:
        """Text in double quotes (which may be empty); the value is the text inside them."""
        self.define(name, r'"([^"]*)"', description=description)

    def expression(self, text: str, *names: str) -> CucumberExpression:
        expression = CucumberExpression(text, *names, parameter_types=self.registry)
        expression.vocabulary = self
        return expression

    def used_by(self, expression: CucumberExpression) -> list[Placeholder]:
        return [self.placeholders[name] for name in expression.type_names]
