"""Parse `.feature` files (gherkin-official) into the documentation tree, with every case."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from pytest_bdd_livingdoc.model import (
    Background,
    Case,
    CaseStep,
    ExampleRow,
    Examples,
    Feature,
    Rule,
    Scenario,
    Step,
    Tag,
    anchor_for,
)

# pytest-bdd fills outline parameters with this same pattern, and leaves unknown names as they
# are; the page must show the very sentence that ran.
_PARAMETER = re.compile(r"<(.+?)>")


def find_feature_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.feature"))


def parse_features(paths: Iterable[Path], rootdir: Path) -> list[Feature]:
    return [parse_feature(path, rootdir) for path in paths]


def relative_path(path: Path, rootdir: Path) -> str:
    """The path the documentation shows and keys results by, stable across machines."""
    try:
        return path.resolve().relative_to(rootdir.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def parse_feature(path: Path, rootdir: Path) -> Feature:
    # Read as plain dicts: gherkin-official's TypedDicts model the whole message protocol.
    document: dict[str, Any] = dict(Parser().parse(TokenScanner(path.read_text(encoding="utf-8"))))
    data: dict[str, Any] | None = document.get("feature")
    rel = relative_path(path, rootdir)
    if data is None:  # a file with comments only
        return Feature(rel, "Feature", path.stem, "", 1, "en", [], None, [])
    feature = Feature(
        path=rel,
        keyword=data["keyword"],
        name=data["name"],
        description=_description(data),
        line=data["location"]["line"],
        language=data["language"],
        tags=_tags(data),
        background=None,
        children=[],
    )
    for child in data["children"]:
        if "background" in child:
            feature.background = _background(child["background"])
        elif "rule" in child:
            feature.children.append(_rule(child["rule"]))
        elif "scenario" in child:
            feature.children.append(_scenario(child["scenario"]))
    _attach_cases(feature)
    return feature


def _description(node: dict[str, Any]) -> str:
    return textwrap.dedent(node.get("description") or "").strip()


def _tags(node: dict[str, Any]) -> list[Tag]:
    return [Tag(tag["name"], tag["location"]["line"]) for tag in node.get("tags", [])]


def _steps(nodes: list[dict[str, Any]]) -> list[Step]:
    steps = []
    for node in nodes:
        table = node.get("dataTable")
        docstring = node.get("docString")
        steps.append(
            Step(
                keyword=node["keyword"],
                text=node["text"],
                line=node["location"]["line"],
                docstring=None if docstring is None else docstring["content"],
                docstring_line=None if docstring is None else docstring["location"]["line"],
                table=None
                if table is None
                else [[cell["value"] for cell in row["cells"]] for row in table["rows"]],
            )
        )
    return steps


def _background(node: dict[str, Any]) -> Background:
    return Background(
        node["keyword"], node["name"], node["location"]["line"], _steps(node["steps"])
    )


def _rule(node: dict[str, Any]) -> Rule:
    rule = Rule(
        keyword=node["keyword"],
        name=node["name"],
        description=_description(node),
        line=node["location"]["line"],
        tags=_tags(node),
        background=None,
        scenarios=[],
    )
    for child in node["children"]:
        if "background" in child:
            rule.background = _background(child["background"])
        elif "scenario" in child:
            rule.scenarios.append(_scenario(child["scenario"]))
    return rule


def _scenario(node: dict[str, Any]) -> Scenario:
    scenario = Scenario(
        keyword=node["keyword"],
        name=node["name"],
        description=_description(node),
        line=node["location"]["line"],
        tags=_tags(node),
        steps=_steps(node["steps"]),
    )
    index = 0
    for block in node.get("examples", []):
        header = block.get("tableHeader")
        if header is None:
            # pytest-bdd generates no test for a headless Examples block; neither do we.
            continue
        rows = []
        for row in block.get("tableBody") or []:
            rows.append(
                ExampleRow(row["location"]["line"], [c["value"] for c in row["cells"]], index)
            )
            index += 1
        scenario.examples.append(
            Examples(
                keyword=block["keyword"],
                name=block["name"],
                description=_description(block),
                line=block["location"]["line"],
                tags=_tags(block),
                header=[cell["value"] for cell in header["cells"]],
                rows=rows,
            )
        )
    return scenario


def _attach_cases(feature: Feature) -> None:
    for child in feature.children:
        for scenario in child.scenarios if isinstance(child, Rule) else [child]:
            scenario.anchor = f"{anchor_for(feature.path)}-{scenario.line}"
            scenario.cases = _cases(feature, child if isinstance(child, Rule) else None, scenario)


def _cases(feature: Feature, rule: Rule | None, scenario: Scenario) -> list[Case]:
    backgrounds = [feature.background, None if rule is None else rule.background]
    background_steps = [step for b in backgrounds if b is not None for step in b.steps]
    inherited = feature.tags + (rule.tags if rule else []) + scenario.tags
    if not scenario.is_outline:
        return [
            Case(
                feature=feature,
                rule=rule,
                scenario=scenario,
                examples=None,
                row=None,
                name=scenario.name,
                steps=_case_steps(background_steps, scenario.steps, {}),
                tags=_unique(inherited),
            )
        ]
    cases = []
    for examples in scenario.examples:
        for row in examples.rows:
            values = dict(zip(examples.header, row.values, strict=True))
            cases.append(
                Case(
                    feature=feature,
                    rule=rule,
                    scenario=scenario,
                    examples=examples,
                    row=row,
                    name=fill(scenario.name, values),
                    steps=_case_steps(background_steps, scenario.steps, values),
                    tags=_unique(inherited + examples.tags),
                )
            )
    return cases


def _case_steps(background: list[Step], own: list[Step], values: dict[str, str]) -> list[CaseStep]:
    steps = [_case_step(step, {}, from_background=True) for step in background]
    return steps + [_case_step(step, values, from_background=False) for step in own]


def _case_step(step: Step, values: dict[str, str], *, from_background: bool) -> CaseStep:
    return CaseStep(
        keyword=step.keyword,
        text=fill(step.text, values),
        line=step.line,
        docstring=None if step.docstring is None else fill(step.docstring, values),
        table=None
        if step.table is None
        else [[fill(c, values) for c in row] for row in step.table],
        from_background=from_background,
        docstring_line=step.docstring_line,
    )


def fill(text: str, values: dict[str, str]) -> str:
    return _PARAMETER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _unique(tags: list[Tag]) -> list[Tag]:
    seen: set[str] = set()
    unique = []
    for tag in tags:
        if tag.name not in seen:
            seen.add(tag.name)
            unique.append(tag)
    return unique
