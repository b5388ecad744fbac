"""Cucumber Expressions as pytest-bdd step patterns, over a vocabulary of parameter types.

A step pattern reads as Cucumber writes it everywhere: `{actor} offers a/an {item name} for
{price}`. `{...}` is a parameter type the project defines (its regular expression and how its text
becomes a value), `a/an` an alternative, `(s)` optional text. The pattern is then also what the
step catalogue shows a product owner, and every parameter type is listed there with what it
accepts.

    words = Vocabulary()
    words.define("actor", r"[A-Z][a-z]+", description="a person, by first name")
    words.quoted("item name", description="an item's name, in double quotes")

    @when(words.expression("{actor} removes the {item name}"))
    def _(actor: str, item_name: str) -> None: ...

Each parameter reaches the step function as a keyword argument named after its type (`item name`
becomes `item_name`); a pattern that uses a type twice names its arguments in order:
`words.expression("{actor} looks up {actor}", "viewer", "subject")`.

Matching a step against a pattern is one compiled regular expression; the parameters are
converted only for the definition that matched (`tools/benchmarks/step_matching.py` measures both).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from cucumber_expressions.expression import CucumberExpression
from cucumber_expressions.parameter_type import ParameterType
from cucumber_expressions.parameter_type_registry import ParameterTypeRegistry
from pytest_bdd.parsers import StepParser


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


def argument_name(type_name: str) -> str:
    """The keyword argument a parameter type's value arrives as: `item name` -> `item_name`."""
    return re.sub(r"\W+", "_", type_name).strip("_")


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

    def expression(self, text: str, *names: str) -> Expression:
        return Expression(text, self, names)

    def used_by(self, expression: Expression) -> list[Placeholder]:
        return [self.placeholders[name] for name in expression.type_names]


def _same(text: str) -> str:
    return text


class Expression(StepParser):
    """A pytest-bdd step parser for one Cucumber Expression of a `Vocabulary`."""

    def __init__(self, text: str, vocabulary: Vocabulary, names: Iterable[str] = ()) -> None:
        super().__init__(text)
        self.vocabulary = vocabulary
        self.expression = CucumberExpression(text, vocabulary.registry)
        self.regex = self.expression.tree_regexp.regexp
        self.type_names = [parameter.name for parameter in self.expression.parameter_types]
        names = list(names)
        if names and len(names) != len(self.type_names):
            raise ValueError(
                f"{text!r} has {len(self.type_names)} parameter(s), but {len(names)} name(s) "
                f"were given: {names}"
            )
        self.argument_names = names or [argument_name(name) for name in self.type_names]
        repeated = sorted({n for n in self.argument_names if self.argument_names.count(n) > 1})
        if repeated:
            raise ValueError(
                f"{text!r} would pass {', '.join(repeated)} twice: name its arguments in order, "
                f"e.g. expression({text!r}, {', '.join(repr(n) for n in self.argument_names)})"
            )

    def is_matching(self, name: str) -> bool:
        return self.regex.match(name) is not None

    def parse_arguments(self, name: str) -> dict[str, Any] | None:
        arguments = self.expression.match(name)
        if arguments is None:
            return None
        return {
            argument_name: argument.value
            for argument_name, argument in zip(self.argument_names, arguments, strict=True)
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"
