"""Cucumber JSON for Jenkins, GitLab, Xray and friends, valid against cucumber-js's strict schema.

One element per case that pytest ran or skipped, in document order; a case that never ran
(deselected, or bound by no test module) is a fact of the page, not of a test execution, and
is left out. Tags are the pickle's tags with their lines, as Cucumber itself writes them:
feature, rule, scenario and examples tags. Background steps lead each element's steps
(`isBackground`), and a step's data table or doc string is its argument.

The shape is cucumber-js's (`schemas/cucumber-js.json` of cucumber/cucumber-json-schema, which
tests/test_cucumber.py validates against): a failure outside any step (fixture setup or
teardown, the test body, a strict XPASS) is a hidden `Before` or `After` hook step that failed,
so a reader that only looks at steps still sees red; an error outside the scenarios
(collection, start-up, an unbound feature file) is a failed element of its own, in a feature
named after the file to look at.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd_livingdoc.model import (
    Case,
    CaseStep,
    Document,
    Feature,
    RunError,
    Status,
    StepResult,
    Tag,
)

_CUCUMBER_STATUS = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.UNDEFINED: "undefined",
    Status.PENDING: "pending",
    Status.SKIPPED: "skipped",
    Status.NOT_RUN: "skipped",
}
ERRORS_FEATURE = "Errors outside the scenarios"


def to_cucumber(document: Document) -> list[dict[str, Any]]:
    features = []
    for feature in document.features:
        elements = [_element(feature, case) for case in feature.cases() if case.run is not None]
        if elements:
            features.append(
                {
                    "uri": feature.path,
                    "id": _slug(feature.name or feature.path),
                    "keyword": feature.keyword,
                    "name": feature.name,
                    "description": feature.description,
                    "line": feature.line,
                    "tags": _tags(feature.tags),
                    "elements": elements,
                }
            )
    return features + [_error_feature(error) for error in document.meta.errors]


def _element(feature: Feature, case: Case) -> dict[str, Any]:
    assert case.run is not None
    scenario = case.scenario
    parts = [_slug(feature.name or feature.path)]
    if case.rule is not None:
        parts.append(_slug(case.rule.name))
    parts.append(_slug(scenario.name))
    if case.examples is not None and case.row is not None:
        # Cucumber numbers outline rows from the header, which is row 1.
        parts += [_slug(case.examples.name), str(case.examples.rows.index(case.row) + 2)]
    steps = [
        _step(feature, step, result)
        for step, result in zip(case.steps, case.step_results(), strict=True)
    ]
    run = case.run
    if run.phase is not None and run.message is not None:
        hook = _hook("Before" if run.phase == "setup" else "After", run.phase, run.message)
        steps = [hook, *steps] if run.phase == "setup" else [*steps, hook]
    return {
        "id": ";".join(parts),
        "keyword": scenario.keyword,
        "name": case.name,
        "description": scenario.description,
        "line": scenario.line if case.row is None else case.row.line,
        "type": "scenario",
        "tags": _tags(case.tags),
        "steps": steps,
    }


def _hook(keyword: str, phase: str, message: str) -> dict[str, Any]:
    return {
        "hidden": True,
        "keyword": keyword,
        "match": {"location": f"pytest {phase}"},
        "result": {"status": "failed", "duration": 0, "error_message": message},
    }


def _step(feature: Feature, step: CaseStep, result: StepResult) -> dict[str, Any]:
    outcome: dict[str, Any] = {"status": _CUCUMBER_STATUS[result.status]}
    if result.status in (Status.PASSED, Status.FAILED) or result.duration:
        outcome["duration"] = round(result.duration * 1_000_000_000)  # nanoseconds
    if result.message:
        outcome["error_message"] = result.message
    arguments: list[dict[str, Any]] = []
    if step.table is not None:
        arguments.append({"rows": [{"cells": row} for row in step.table]})
    if step.docstring is not None:
        arguments.append({"content": step.docstring, "line": step.docstring_line or step.line + 1})
    written: dict[str, Any] = {
        "arguments": arguments,
        "keyword": step.keyword,
        "name": step.text,
        "line": step.line,
        "match": {"location": result.match or f"{feature.path}:{step.line}"},
        "result": outcome,
    }
    if step.from_background:
        written["isBackground"] = True
    return written


def _error_feature(error: RunError) -> dict[str, Any]:
    where = error.location or "the run"
    path, _, line = where.rpartition(":") if ":" in where else (where, "", "")
    return {
        "uri": path or where,
        "id": _slug(f"{error.kind} {where}"),
        "keyword": "Feature",
        "name": ERRORS_FEATURE,
        "line": 1,
        "tags": [],
        "elements": [
            {
                "id": _slug(f"{error.kind} {where}"),
                "keyword": "Error",
                "name": f"{error.kind}: {where}",
                "line": int(line) if line.isdigit() else 1,
                "type": "scenario",
                "tags": [],
                "steps": [_hook("Before", error.kind, error.message)],
            }
        ],
    }


def _tags(tags: list[Tag]) -> list[dict[str, Any]]:
    return [{"name": tag.name, "line": tag.line} for tag in tags]


def _slug(text: str) -> str:
    return re.sub(r"\s+", "-", text.strip().lower()).replace(";", "")
