"""The step catalogue: every feature step against every registered step definition.

pytest-bdd only notices a missing definition when a collected scenario reaches the step, never
notices a definition that nothing uses, and never runs a scenario no test module binds. This
module reads the features with gherkin-official and the definitions and bindings from the modules
pytest-bdd registered them in, and reports all three kinds of drift.
Feature steps are typed and rendered exactly as pytest-bdd does at run time: And/But/* take the
type of the step before them within the same block (background or scenario), and outline steps
are rendered once per Examples row. A step counts as defined only by a definition the test
modules that bind its feature can see, as pytest sees fixtures: one of their own, or one in a
conftest of their package or above it. Steps of work in progress (scenarios tagged `@wip`, the
tag `livingdoc_wip_tag` names) may be undefined: they are listed as pending, not as drift.

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
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

import pytest
from gherkin.parser import Parser
from pytest_bdd import parsers
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
    # The tags of the scenario (and of its Examples block, feature and rule) the step runs in;
    # none for a background step, which runs in every scenario after it.
    tags: frozenset[str] = frozenset()

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


_PARSE_FIELD = re.compile(r"\{(\w*)(?::[^{}]*)?\}")


def wording(parser: StepParser) -> str:
    """A step pattern as people read it: `{actor} offers a/an {item name} for {price}`.

    A Cucumber Expression (expressions.py) or a plain string is shown as written, a `parse`
    pattern with its fields' names only (`{name:Money}` reads `{name}`), a regular expression
    as it is.
    """
    if isinstance(parser, parsers.parse):
        return _PARSE_FIELD.sub(lambda m: "{" + (m.group(1) or "") + "}", parser.name)
    return str(parser.name)


@dataclass(frozen=True)
class StepDefinition:
    type: str | None
    parser: StepParser
    func: Callable[..., object]
    # The modules whose namespace holds the definition (where it is declared, or imported to):
    # pytest makes it visible to those modules and, from a conftest, to its whole package.
    homes: tuple[str, ...] = ()

    @property
    def location(self) -> str:
        code = inspect.unwrap(self.func).__code__
        return f"{os.path.relpath(code.co_filename)}:{code.co_firstlineno}"

    @property
    def wording(self) -> str:
        return wording(self.parser)

    @property
    def shared(self) -> bool:
        """Declared in a conftest, so every test module of its package sees it."""
        return any(home.rpartition(".")[2] == "conftest" for home in self.homes)

    def visible_to(self, module: str) -> bool:
        for home in self.homes:
            package, _, name = home.rpartition(".")
            if home == module or (name == "conftest" and module.startswith(f"{package}.")):
                return True
        return False

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


def _tag_names(node: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(tag["name"].lstrip("@") for tag in node.get("tags", []))


def _scenario_rows(scenario: Mapping[str, Any]) -> list[tuple[dict[str, str], frozenset[str]]]:
    """Each run of a scenario: the outline row's values and its Examples block's tags."""
    runs: list[tuple[dict[str, str], frozenset[str]]] = []
    for examples in scenario.get("examples", []):
        header = examples.get("tableHeader")
        if header is None:
            continue
        names = [cell["value"] for cell in header["cells"]]
        for body_row in examples.get("tableBody", []):
            values = (cell["value"] for cell in body_row["cells"])
            runs.append((dict(zip(names, values, strict=True)), _tag_names(examples)))
    # An outline without rows runs once, unrendered, so its raw text is what must match.
    return runs or [({}, frozenset())]


def _block_steps(
    path: Path,
    steps: Sequence[Mapping[str, Any]],
    rows: Iterable[Mapping[str, str]],
    tags: Iterable[frozenset[str]] = (),
) -> Iterator[FeatureStep]:
    row_tags = list(tags)
    for index, row in enumerate(rows):
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
                tags=row_tags[index] if index < len(row_tags) else frozenset(),
            )


def _children_steps(
    path: Path, children: Iterable[Mapping[str, Any]], tags: frozenset[str] = frozenset()
) -> Iterator[FeatureStep]:
    for child in children:
        if "background" in child:
            yield from _block_steps(path, child["background"]["steps"], [{}])
        elif "rule" in child:
            rule = child["rule"]
            yield from _children_steps(path, rule["children"], tags | _tag_names(rule))
        elif "scenario" in child:
            scenario = child["scenario"]
            runs = _scenario_rows(scenario)
            own = tags | _tag_names(scenario)
            yield from _block_steps(
                path, scenario["steps"], [row for row, _ in runs], [own | t for _, t in runs]
            )


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
    """Every step of every feature, once per distinct (place, type, rendered text).

    A step rendered alike in several runs keeps the tags all of them carry: it is work in
    progress only where every run of it is.
    """
    found: dict[tuple[object, ...], FeatureStep] = {}
    for _, shown, feature in _features(paths, root):
        for step in _children_steps(shown, feature["children"], _tag_names(feature)):
            key = (step.path, step.line, step.keyword, step.type, step.text)
            known = found.get(key)
            found[key] = step if known is None else replace(known, tags=known.tags & step.tags)
    return list(found.values())


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
            known = found.get(key)
            homes = (*known.homes, module.__name__) if known else (module.__name__,)
            found[key] = StepDefinition(context.type, context.parser, context.step_func, homes)
    return list(found.values())


def _templates(modules: Iterable[ModuleType]) -> Iterator[tuple[ModuleType, Any]]:
    for module in modules:
        for value in vars(module).values():
            template = registry_get_safe(scenario_wrapper_template_registry, value)
            if template is not None:
                yield module, template


def bound_scenarios(modules: Iterable[ModuleType]) -> set[tuple[Path, str]]:
    """(feature file, scenario name) of every scenario a scenarios()/@scenario call bound."""
    return {
        (Path(template.feature.filename).resolve(), template.name)
        for _, template in _templates(modules)
    }


def binders(modules: Iterable[ModuleType]) -> dict[Path, set[str]]:
    """Each feature file (resolved) and the test modules that bind scenarios of it."""
    found: dict[Path, set[str]] = {}
    for module, template in _templates(modules):
        found.setdefault(Path(template.feature.filename).resolve(), set()).add(module.__name__)
    return found


# ---- the report -----------------------------------------------------------------------------


# Each feature file, as the steps show it, and the test modules that bind its scenarios.
Binders = Mapping[Path, set[str]]
NO_BINDING: Binders = MappingProxyType({})


def _defines(definition: StepDefinition, step: FeatureStep, binding: Binders) -> bool:
    """`definition` matches `step` and every test module that runs the step can see it.

    A step whose feature no module binds is matched by any definition: that it never runs is
    reported apart, as an unbound scenario.
    """
    if not definition.matches(step):
        return False
    modules = binding.get(step.path)
    return not modules or all(definition.visible_to(module) for module in modules)


def _runnable(step: FeatureStep, definitions: Sequence[StepDefinition], binding: Binders) -> bool:
    modules = binding.get(step.path)
    if not modules:
        return any(d.matches(step) for d in definitions)
    return all(any(d.matches(step) and d.visible_to(m) for d in definitions) for m in modules)


def unused_definitions(
    definitions: Iterable[StepDefinition],
    steps: Sequence[FeatureStep],
    binding: Binders = NO_BINDING,
) -> list[StepDefinition]:
    return [d for d in definitions if not any(_defines(d, step, binding) for step in steps)]


def unmatched_steps(
    definitions: Sequence[StepDefinition],
    steps: Iterable[FeatureStep],
    binding: Binders = NO_BINDING,
) -> list[FeatureStep]:
    return [step for step in steps if not _runnable(step, definitions, binding)]


def unbound_scenarios(
    scenarios: Iterable[FeatureScenario], bound: set[tuple[Path, str]]
) -> list[FeatureScenario]:
    return [s for s in scenarios if (s.file, s.name) not in bound]


def _out_of_sight(step: FeatureStep, definitions: Iterable[StepDefinition]) -> str:
    """Where a definition of an unmatched step hides from the test modules that run it."""
    homes = sorted({home for d in definitions if d.matches(step) for home in d.homes})
    if not homes:
        return ""
    return f"; defined in {', '.join(homes)}, which the modules that run it cannot see"


def drift_report(
    definitions: Sequence[StepDefinition],
    steps: Sequence[FeatureStep],
    unbound: Sequence[FeatureScenario] = (),
    binding: Binders = NO_BINDING,
    wip_tag: str | None = None,
) -> str:
    """Empty when every definition is used, every step defined and every scenario bound.

    Undefined steps of scenarios tagged `wip_tag` are work in progress, not drift.
    """
    unused = unused_definitions(definitions, steps, binding)
    unmatched = [
        step
        for step in unmatched_steps(definitions, steps, binding)
        if wip_tag is None or wip_tag not in step.tags
    ]
    sections = []
    if unused:
        listing = "\n".join(f"  {d}" for d in unused)
        sections.append(f"{len(unused)} step definition(s) no feature step uses:\n{listing}")
    if unmatched:
        listing = "\n".join(f"  {s}{_out_of_sight(s, definitions)}" for s in unmatched)
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
    binding: dict[Path, set[str]] = field(default_factory=dict)
    wip_tag: str | None = "wip"

    def drift_report(self) -> str:
        return drift_report(self.definitions, self.steps, self.unbound, self.binding, self.wip_tag)

    def pending_steps(self) -> list[FeatureStep]:
        """Undefined steps of work in progress: the scenarios tagged `wip_tag`."""
        return [
            step
            for step in unmatched_steps(self.definitions, self.steps, self.binding)
            if self.wip_tag is not None and self.wip_tag in step.tags
        ]

    def uses(self, definition: StepDefinition) -> list[FeatureStep]:
        """The feature steps `definition` runs, in file and line order."""
        found = [step for step in self.steps if _defines(definition, step, self.binding)]
        return sorted(found, key=lambda step: (str(step.path), step.line))


def read(
    features_dir: Path,
    packages: Iterable[str],
    root: Path | None = None,
    wip_tag: str | None = "wip",
) -> Catalogue:
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
    bound_by = binders(modules)
    # Keyed as the steps show their files.
    binding = {
        shown: bound_by[path.resolve()]
        for path, shown, _ in _features(files, shown_from)
        if path.resolve() in bound_by
    }
    return Catalogue(
        steps=feature_steps(files, shown_from),
        definitions=definitions,
        unbound=unbound_scenarios(feature_scenarios(files, shown_from), bound_scenarios(modules)),
        binding=binding,
        wip_tag=wip_tag,
    )


def catalogue_for(config: pytest.Config) -> Catalogue:
    """The catalogue of this pytest configuration's features and step packages."""
    return read(
        options.features_dir(config),
        options.step_packages(config),
        config.rootpath,
        options.wip_tag(config),
    )


def drift_report_for(config: pytest.Config) -> str:
    """Empty when every definition is used, every feature step defined and every scenario bound.

    The features are under pytest-bdd's `bdd_features_base_dir` (features/ when unset), the
    definitions in the packages `livingdoc_step_packages` names.
    """
    return catalogue_for(config).drift_report()
