"""The step catalogue: every feature step against every registered step definition.

pytest-bdd only notices a missing definition when a collected scenario reaches the step, never
notices a definition that nothing uses, and never runs a scenario no test module binds. This
module reads the features with gherkin-official and the definitions and bindings from the modules
pytest-bdd registered them in, and reports all three kinds of drift.
Feature steps are typed and rendered exactly as pytest-bdd does at run time: And/But/* take the
type of the step before them within the same block (background or scenario), and outline steps
are rendered once per Examples row.

A project calls `drift_report_for(config)` from a test of its own: the features come from
pytest-bdd's `bdd_features_base_dir`, the definitions from the packages `livingdoc_step_packages`
names.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from gherkin.parser import Parser
from pytest_bdd.parsers import StepParser
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.steps import StepFunctionContext, StepNamePrefix, step_function_context_registry
from pytest_bdd.types import STEP_TYPE_BY_PARSER_KEYWORD
from pytest_bdd.utils import registry_get_safe

from pytest_bdd_livingdoc import options

_PLACEHOLDER = re.compile(r"<(.+?)>")


@dataclass(frozen=True)
class FeatureStep:
    path: Path
    line: int
    keyword: str
    type: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}  {self.keyword} {self.text!r} (a {self.type} step)"


@dataclass(frozen=True)
class FeatureScenario:
    path: Path
    file: Path
    line: int
    name: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}  {self.name!r}"


@dataclass(frozen=True)
class StepDefinition:
    type: str | None
    parser: StepParser
    func: Callable[..., object]

    @property
    def location(self) -> str:
        code = inspect.unwrap(self.func).__code__
        return f"{os.path.relpath(code.co_filename)}:{code.co_firstlineno}"

    def matches(self, step: FeatureStep) -> bool:
        if self.type is not None and self.type != step.type:
            return False
        return bool(self.parser.is_matching(step.text))

    def __str__(self) -> str:
        decorator = self.type or "step"
        return f"{self.location}  @{decorator}({self.parser.name!r}) on {self.func.__qualname__}"


# ---- features -------------------------------------------------------------------------------


def feature_files(features_dir: Path) -> list[Path]:
    return sorted(features_dir.rglob("*.feature"))


def _render(text: str, row: Mapping[str, str]) -> str:
    # pytest-bdd's rule: a placeholder with no column of that name stays as written.
    return _PLACEHOLDER.sub(lambda m: row.get(m.group(1), m.group(0)), text)


def _example_rows(scenario: Mapping[str, Any]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for examples in scenario.get("examples", []):
        header = examples.get("tableHeader")
        if header is None:
            continue
        names = [cell["value"] for cell in header["cells"]]
        for body_row in examples.get("tableBody", []):
            rows.append(
                dict(zip(names, (cell["value"] for cell in body_row["cells"]), strict=True))
            )
    # An outline without rows runs once, unrendered, so its raw text is what must match.
    return rows or [{}]


def _block_steps(
    path: Path, steps: Sequence[Mapping[str, Any]], rows: Iterable[Mapping[str, str]]
) -> Iterator[FeatureStep]:
    for row in rows:
        current: str | None = None
        for step in steps:
            current = STEP_TYPE_BY_PARSER_KEYWORD.get(step["keywordType"], current)
            if current is None:
                # pytest-bdd refuses such a file too, so no type could be right here.
                raise ValueError(
                    f"{path}:{step['location']['line']}: a background or scenario must begin "
                    f"with Given, When or Then, not {step['keyword'].strip()!r}"
                )
            yield FeatureStep(
                path=path,
                line=step["location"]["line"],
                keyword=step["keyword"].strip(),
                type=current,
                text=_render(step["text"], row),
            )


def _children_steps(path: Path, children: Iterable[Mapping[str, Any]]) -> Iterator[FeatureStep]:
    for child in children:
        if "background" in child:
            yield from _block_steps(path, child["background"]["steps"], [{}])
        elif "rule" in child:
            yield from _children_steps(path, child["rule"]["children"])
        elif "scenario" in child:
            scenario = child["scenario"]
            yield from _block_steps(path, scenario["steps"], _example_rows(scenario))


def _features(
    paths: Iterable[Path], root: Path | None
) -> Iterator[tuple[Path, Path, Mapping[str, Any]]]:
    for path in paths:
        # An empty file parses to a document without a feature, whatever the stubs say.
        document: Mapping[str, Any] = Parser().parse(path.read_text(encoding="utf-8"))
        feature = document.get("feature")
        if feature is not None:
            shown = path.relative_to(root) if root and path.is_relative_to(root) else path
            yield path, shown, feature


def feature_steps(paths: Iterable[Path], root: Path | None = None) -> list[FeatureStep]:
    """Every step of every feature, once per distinct (place, type, rendered text)."""
    found: dict[FeatureStep, None] = {}
    for _, shown, feature in _features(paths, root):
        for step in _children_steps(shown, feature["children"]):
            found.setdefault(step)
    return list(found)


def _scenarios(children: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for child in children:
        if "rule" in child:
            yield from _scenarios(child["rule"]["children"])
        elif "scenario" in child:
            yield child["scenario"]


def feature_scenarios(paths: Iterable[Path], root: Path | None = None) -> list[FeatureScenario]:
    return [
        FeatureScenario(shown, path.resolve(), scenario["location"]["line"], scenario["name"])
        for path, shown, feature in _features(paths, root)
        for scenario in _scenarios(feature["children"])
    ]


# ---- step definitions -----------------------------------------------------------------------


def import_modules(package_dir: Path, package: str) -> list[ModuleType]:
    """Import every module under `package_dir` (the directory of `package`), conftests included."""
    modules = []
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = path.relative_to(package_dir).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(importlib.import_module(".".join((package, *parts))))
    return modules


def _contexts(module: ModuleType) -> Iterator[StepFunctionContext]:
    # Each @given/@when/@then/@step leaves a pytest fixture named pytestbdd_stepdef_* in the module
    # that declared it; the fixture wraps the function pytest-bdd keys its registry by.
    for name, value in vars(module).items():
        if not name.startswith(StepNamePrefix.step_def.value):
            continue
        context = registry_get_safe(step_function_context_registry, inspect.unwrap(value))
        if context is not None:
            yield context


def step_definitions(modules: Iterable[ModuleType]) -> list[StepDefinition]:
    found: dict[tuple[object, ...], StepDefinition] = {}
    for module in modules:
        for context in _contexts(module):
            code = inspect.unwrap(context.step_func).__code__
            # The same file imported under two module names registers its steps twice.
            key = (context.type, context.parser.name, code.co_filename, code.co_firstlineno)
            found.setdefault(key, StepDefinition(context.type, context.parser, context.step_func))
    return list(found.values())


def bound_scenarios(modules: Iterable[ModuleType]) -> set[tuple[Path, str]]:
    """(feature file, scenario name) of every scenario a scenarios()/@scenario call bound."""
    bound = set()
    for module in modules:
        for value in vars(module).values():
            template = registry_get_safe(scenario_wrapper_template_registry, value)
            if template is not None:
                bound.add((Path(template.feature.filename).resolve(), template.name))
    return bound


# ---- the report -----------------------------------------------------------------------------


def unused_definitions(
    definitions: Iterable[StepDefinition], steps: Sequence[FeatureStep]
) -> list[StepDefinition]:
    return [d for d in definitions if not any(d.matches(step) for step in steps)]


def unmatched_steps(
    definitions: Sequence[StepDefinition], steps: Iterable[FeatureStep]
) -> list[FeatureStep]:
    return [step for step in steps if not any(d.matches(step) for d in definitions)]


def unbound_scenarios(
    scenarios: Iterable[FeatureScenario], bound: set[tuple[Path, str]]
) -> list[FeatureScenario]:
    return [s for s in scenarios if (s.file, s.name) not in bound]


def drift_report(
    definitions: Sequence[StepDefinition],
    steps: Sequence[FeatureStep],
    unbound: Sequence[FeatureScenario] = (),
) -> str:
    """Empty when every definition is used, every step defined and every scenario bound."""
    unused = unused_definitions(definitions, steps)
    unmatched = unmatched_steps(definitions, steps)
    sections = []
    if unused:
        listing = "\n".join(f"  {d}" for d in unused)
        sections.append(f"{len(unused)} step definition(s) no feature step uses:\n{listing}")
    if unmatched:
        listing = "\n".join(f"  {s}" for s in unmatched)
        sections.append(f"{len(unmatched)} feature step(s) no definition matches:\n{listing}")
    if unbound:
        listing = "\n".join(f"  {s}" for s in unbound)
        sections.append(
            f"{len(unbound)} scenario(s) no test module binds, so they never run:\n{listing}"
        )
    return "\n".join(sections)


def package_modules(package: str) -> list[ModuleType]:
    """Every module of the importable package `package`, wherever it is installed."""
    imported = importlib.import_module(package)
    directories = getattr(imported, "__path__", None)
    if directories is None:
        raise pytest.UsageError(f"{package!r} is a module, not a package of step definitions")
    return [module for path in directories for module in import_modules(Path(path), package)]


@dataclass(frozen=True)
class Catalogue:
    """What the features say and what the step packages define."""

    steps: list[FeatureStep]
    definitions: list[StepDefinition]
    unbound: list[FeatureScenario]

    def drift_report(self) -> str:
        return drift_report(self.definitions, self.steps, self.unbound)


def read(features_dir: Path, packages: Iterable[str], root: Path | None = None) -> Catalogue:
    """The catalogue of the features under `features_dir` and the modules of `packages`.

    Refuses to read nothing: with no feature file or no step definition every check would pass.
    Paths are shown relative to `root` (by default the parent of `features_dir`).
    """
    files = feature_files(features_dir)
    if not files:
        raise pytest.UsageError(f"no .feature file under {features_dir}")
    packages = list(packages)
    modules = [module for package in packages for module in package_modules(package)]
    definitions = step_definitions(modules)
    if not definitions:
        raise pytest.UsageError(f"no step definition in the package(s) {', '.join(packages)}")
    shown_from = features_dir.parent if root is None else root
    return Catalogue(
        steps=feature_steps(files, shown_from),
        definitions=definitions,
        unbound=unbound_scenarios(feature_scenarios(files, shown_from), bound_scenarios(modules)),
    )


def catalogue_for(config: pytest.Config) -> Catalogue:
    """The catalogue of this pytest configuration's features and step packages."""
    return read(options.features_dir(config), options.step_packages(config), config.rootpath)


def drift_report_for(config: pytest.Config) -> str:
    """Empty when every definition is used, every feature step defined and every scenario bound.

    The features are under pytest-bdd's `bdd_features_base_dir` (features/ when unset), the
    definitions in the packages `livingdoc_step_packages` names.
    """
    return catalogue_for(config).drift_report()
