"""Cucumber JSON for Jenkins, GitLab, Xray and friends.

One element per case that pytest ran or skipped, in document order; a case that never ran
(deselected, or bound by no test module) is a fact of the page, not of a test execution, and
is left out. Tags are the pickle's tags, as Cucumber itself writes them: feature, rule,
scenario and examples tags. Background steps lead each element's steps (cucumber-js style).
A failure outside any step (fixture setup or teardown, the test body, a strict XPASS) is a
failed `before` or `after` hook, so a reader that only looks at steps still sees red.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd_livingdoc.model import Case, Document, Feature, Status, StepResult, Tag

_CUCUMBER_STATUS = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.UNDEFINED: "undefined",
    Status.PENDING: "pending",
    Status.SKIPPED: "skipped",
    Status.NOT_RUN: "skipped",
}


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
    return features


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
    element: dict[str, Any] = {
        "id": ";".join(parts),
        "keyword": scenario.keyword,
        "name": case.name,
        "description": scenario.description,
        "line": scenario.line if case.row is None else case.row.line,
        "type": "scenario",
        "tags": _tags(case.tags),
        "steps": [
            _step(feature, step.keyword, step.text, step.line, step.docstring, step.table, result)
            for step, result in zip(case.steps, case.step_results(), strict=True)
        ],
    }
    run = case.run
    if run.phase is not None and run.message is not None:
        hook = {
            "match": {"location": f"pytest {run.phase}"},
            "result": {
                "status": "failed",
                "duration": 0,
                "error_message": run.message,
            },
        }
        element["before" if run.phase == "setup" else "after"] = [hook]
    return element


def _step(
    feature: Feature,
    keyword: str,
    text: str,
    line: int,
    docstring: str | None,
    table: list[list[str]] | None,
    result: StepResult,
) -> dict[str, Any]:
    outcome: dict[str, Any] = {"status": _CUCUMBER_STATUS[result.status]}
    if result.status in (Status.PASSED, Status.FAILED) or result.duration:
        outcome["duration"] = round(result.duration * 1_000_000_000)  # nanoseconds
    if result.message:
        outcome["error_message"] = result.message
    step: dict[str, Any] = {
        "keyword": keyword,
        "name": text,
        "line": line,
        "match": {"location": result.match or f"{feature.path}:{line}"},
        "result": outcome,
    }
    if docstring is not None:
        step["doc_string"] = {"value": docstring, "content_type": "", "line": line + 1}
    if table is not None:
        step["rows"] = [{"cells": row} for row in table]
    return step


def _tags(tags: list[Tag]) -> list[dict[str, Any]]:
    return [{"name": tag.name, "line": tag.line} for tag in tags]


def _slug(text: str) -> str:
    return re.sub(r"\s+", "-", text.strip().lower()).replace(";", "")
