"""The step catalogue for people: every wording the step definitions allow, with a real example.

Generated from the step definitions and the features (catalogue.py reads both), never kept by
hand. Each entry is one step definition: its wording as people read it (a Cucumber Expression
such as `{actor} offers a/an {item name} for {price}`), where it may be used (any feature, when a
conftest declares it; otherwise the features its test module binds), one real sentence of the
features it matches, and how often the features use it. The placeholders of Cucumber
Expressions (expressions.py) are listed with what each accepts, and the steps of work in
progress that no definition matches yet are listed as pending.

`pytest --step-catalogue` prints it (the project's `make steps`); with `--living-docs` the page
has it as a section.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _pytest.main import wrap_session

from pytest_bdd_livingdoc import catalogue, options
from pytest_bdd_livingdoc.catalogue import Catalogue, FeatureStep, StepDefinition
from pytest_bdd_livingdoc.expressions import CucumberExpression, Placeholder

OPTION = "--step-catalogue"
KEYWORDS = {"given": "Given", "when": "When", "then": "Then", None: "Step"}
ANY_FEATURE = "any feature"


@dataclass(frozen=True)
class Entry:
    keyword: str  # Given, When, Then, or Step for a definition of any type
    wording: str
    where: str  # "any feature", or the feature files whose own steps these are
    shared: bool
    location: str  # where the definition is, for developers
    uses: list[FeatureStep] = field(default_factory=list)

    @property
    def example(self) -> FeatureStep | None:
        return self.uses[0] if self.uses else None

    @property
    def files(self) -> list[Path]:
        return list(dict.fromkeys(step.path for step in self.uses))


@dataclass(frozen=True)
class StepCatalogue:
    entries: list[Entry]
    placeholders: list[Placeholder]
    pending: list[FeatureStep]
    packages: list[str] = field(default_factory=list)


def _where(definition: StepDefinition, files_of: dict[str, list[Path]]) -> str:
    if definition.shared:
        return ANY_FEATURE
    files = sorted({path for home in definition.homes for path in files_of.get(home, [])})
    if not files:
        return "no feature (its test module binds none)"
    return ", ".join(path.as_posix() for path in files)


def _placeholders(definitions: Iterable[StepDefinition]) -> list[Placeholder]:
    found: dict[str, Placeholder] = {}
    for definition in definitions:
        parser = definition.parser
        if isinstance(parser, CucumberExpression) and parser.vocabulary is not None:
            for placeholder in parser.vocabulary.used_by(parser):
                found.setdefault(placeholder.name, placeholder)
    return sorted(found.values(), key=lambda placeholder: placeholder.name)


def build(found: Catalogue, packages: Iterable[str] = ()) -> StepCatalogue:
    files_of: dict[str, list[Path]] = {}
    for path, modules in found.binding.items():
        for module in modules:
            files_of.setdefault(module, []).append(path)
    entries = [
        Entry(
            keyword=KEYWORDS.get(definition.type, "Step"),
            wording=definition.wording,
            where=_where(definition, files_of),
            shared=definition.shared,
            location=definition.location,
            uses=found.uses(definition),
        )
        for definition in found.definitions
    ]
    order = list(KEYWORDS.values())
    entries.sort(key=lambda e: (not e.shared, e.where, order.index(e.keyword), e.wording.lower()))
    return StepCatalogue(
        entries=entries,
        placeholders=_placeholders(found.definitions),
        pending=found.pending_steps(),
        packages=list(packages),
    )


def for_config(config: pytest.Config) -> StepCatalogue:
    """The step catalogue of this pytest configuration (`livingdoc_step_packages`)."""
    return build(catalogue.catalogue_for(config), options.step_packages(config))


def uses(entry: Entry) -> str:
    """How much the features use a wording: "used 3 times in 2 feature files"."""
    if not entry.uses:
        return "not used yet"
    files = entry.files
    where = files[0].as_posix() if len(files) == 1 else f"{len(files)} feature files"
    times = "once" if len(entry.uses) == 1 else f"{len(entry.uses)} times"
    return f"used {times} in {where}"


def heading(where: str) -> str:
    if where == ANY_FEATURE:
        return "Any feature may use these"
    return f"The steps of {where} alone"


def render_text(steps: StepCatalogue) -> str:
    shared = sum(entry.shared for entry in steps.entries)
    lines = [
        f"Step catalogue: {len(steps.entries)} wordings, {shared} of them for any feature, from "
        f"the step definitions in {', '.join(steps.packages) or 'the step packages'}.",
        "A feature file written with the first group's wordings alone runs without new Python; "
        "{placeholders} are explained at the end.",
    ]
    where = None
    for entry in steps.entries:
        if entry.where != where:
            where = entry.where
            lines += ["", heading(where)]
        lines.append(f"  {entry.keyword} {entry.wording}")
        example = entry.example
        if example is None:
            lines.append(f"      {uses(entry)}")
        else:
            lines.append(
                f"      e.g. {example.keyword} {example.text}  "
                f"({example.path.as_posix()}:{example.line}; {uses(entry)})"
            )
    if steps.placeholders:
        width = max(len(p.name) for p in steps.placeholders) + 2
        lines += ["", "Placeholders"]
        for placeholder in steps.placeholders:
            name = f"{{{placeholder.name}}}".ljust(width + 1)
            choices = f": {' | '.join(placeholder.phrases)}" if placeholder.phrases else ""
            lines.append(f"  {name} {placeholder.description}{choices}")
    if steps.pending:
        lines += ["", "Pending: steps of work in progress that no definition matches yet"]
        lines += [
            f"  {step.path.as_posix()}:{step.line}  {step.keyword} {step.text}"
            for step in steps.pending
        ]
    return "\n".join(lines) + "\n"


def add_option(group: pytest.OptionGroup) -> None:
    group.addoption(
        OPTION,
        action="store_true",
        default=False,
        help="print the step catalogue (every wording the step definitions allow, with an "
        "example from the features) and exit; needs livingdoc_step_packages",
    )


def show(config: pytest.Config) -> int:
    """`pytest --step-catalogue`: print the catalogue, run nothing; the exit status.

    Inside a configured session, as pytest's own `--fixtures` does it: pytest-bdd reads its
    configuration while the step modules bind their features.
    """
    return wrap_session(config, _print)


def _print(config: pytest.Config, _session: pytest.Session) -> int:
    config.get_terminal_writer().write(render_text(for_config(config)))
    return 0
