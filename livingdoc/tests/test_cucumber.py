"""Cucumber JSON from a merged document: what Jenkins, GitLab and Xray read."""

import json
from pathlib import Path

import pytest

from pytest_bdd_livingdoc.cucumber import to_cucumber
from pytest_bdd_livingdoc.features import parse_feature
from pytest_bdd_livingdoc.merge import merge
from pytest_bdd_livingdoc.model import Document, Meta, Run, Status, StepResult
from shop_project import SHOP_FEATURE, UNBOUND_FEATURE

SHOP = "features/shop.feature"


def document(tmp_path: Path, runs: list[Run]) -> Document:
    (tmp_path / "features").mkdir(exist_ok=True)
    (tmp_path / SHOP).write_text(SHOP_FEATURE, encoding="utf-8")
    (tmp_path / "features" / "returns.feature").write_text(UNBOUND_FEATURE, encoding="utf-8")
    features = [parse_feature(p, tmp_path) for p in sorted((tmp_path / "features").iterdir())]
    meta = Meta(title="t", generated_at="2026-01-01T00:00:00+00:00", commit=None, wall_time=1.0)
    return merge(features, runs, meta, tmp_path)


def run(
    line: int, statuses: list[Status], status: Status, row: int | None = None, **extra: object
) -> Run:
    steps = [StepResult(s, 0.0015 if s is Status.PASSED else 0.0) for s in statuses]
    return Run(SHOP, line, row, f"t::{line}", status, steps, **extra)  # type: ignore[arg-type]


@pytest.fixture
def cucumber(tmp_path: Path) -> list[dict]:
    runs = [
        run(7, [Status.PASSED] * 4, Status.PASSED),
        run(41, [Status.PASSED, Status.PASSED, Status.FAILED], Status.FAILED, row=1),
        run(
            13,
            [Status.PASSED, Status.PASSED],
            Status.FAILED,
            phase="teardown",
            message="RuntimeError: leaked",
        ),
        run(61, [Status.SKIPPED, Status.SKIPPED], Status.FAILED, phase="setup", message="no db"),
    ]
    return to_cucumber(document(tmp_path, runs))


def elements(cucumber: list[dict]) -> dict[str, dict]:
    return {e["name"]: e for f in cucumber for e in f["elements"]}


def test_only_cases_that_ran_are_written_and_features_without_any_are_left_out(
    cucumber: list[dict],
) -> None:
    assert [f["uri"] for f in cucumber] == [SHOP]
    assert list(elements(cucumber)) == [
        "Buying a lamp",
        "Owning what was never bought",
        "A cup costs 2",
        "Fetching a chair from the stockroom",
    ]


def test_feature_fields(cucumber: list[dict]) -> None:
    feature = cucumber[0]
    assert feature["id"] == "shop"
    assert (feature["keyword"], feature["name"], feature["line"]) == ("Feature", "Shop", 2)
    assert feature["tags"] == [{"name": "@shop", "line": 1}]


def test_steps_carry_keyword_line_status_and_nanoseconds(cucumber: list[dict]) -> None:
    lamp = elements(cucumber)["Buying a lamp"]
    assert lamp["id"] == "shop;buying-a-lamp"
    assert (lamp["keyword"], lamp["line"], lamp["type"]) == ("Scenario", 7, "scenario")
    first = lamp["steps"][0]
    assert (first["keyword"], first["name"], first["line"]) == ("Given ", "an open shop", 8)
    assert first["result"] == {"status": "passed", "duration": 1_500_000}
    assert first["match"] == {"location": f"{SHOP}:8"}


def test_an_outline_row_is_one_element_on_its_row_line(cucumber: list[dict]) -> None:
    cup = elements(cucumber)["A cup costs 2"]
    assert cup["keyword"] == "Scenario Outline"
    assert cup["line"] == 49
    assert cup["id"] == "shop;prices-are-what-the-list-says;a-<thing>-costs-<price>;cheap-things;3"
    assert [t["name"] for t in cup["tags"]] == ["@shop", "@pricing", "@prices", "@cheap"]
    assert [s["result"]["status"] for s in cup["steps"]] == ["passed", "passed", "failed"]
    assert cup["steps"][2]["result"] == {"status": "failed", "duration": 0}


def test_failures_outside_steps_are_failed_hidden_hook_steps(cucumber: list[dict]) -> None:
    owning = elements(cucumber)["Owning what was never bought"]
    assert owning["steps"][-1] == {
        "hidden": True,
        "keyword": "After",
        "match": {"location": "pytest teardown"},
        "result": {"status": "failed", "duration": 0, "error_message": "RuntimeError: leaked"},
    }
    assert not any(step.get("keyword") == "Before" for step in owning["steps"])
    chair = elements(cucumber)["Fetching a chair from the stockroom"]
    before, *steps = chair["steps"]
    assert (before["keyword"], before["result"]["error_message"]) == ("Before", "no db")
    assert [s["result"]["status"] for s in steps] == ["skipped", "skipped"]
    assert [s.get("isBackground", False) for s in steps] == [True, False]


def test_the_json_is_valid_against_the_strict_cucumber_js_schema(cucumber: list[dict]) -> None:
    """cucumber-js's own schema (schemas/README.md says where it comes from): no extra key
    anywhere, tags with their lines, data tables and doc strings as step arguments."""
    jsonschema = pytest.importorskip("jsonschema", reason="the test extra installs jsonschema")
    schema = json.loads((Path(__file__).parent / "schemas" / "cucumber-js.json").read_text())
    jsonschema.validate(cucumber, schema)
    with pytest.raises(jsonschema.ValidationError):  # the check can fail: a stray key fails it
        jsonschema.validate([{**cucumber[0], "stray": 1}], schema)


def test_docstrings_and_tables_are_written(tmp_path: Path) -> None:
    path = tmp_path / "t.feature"
    path.write_text(
        "Feature: T\n  Scenario: S\n    Given these:\n      | a | b |\n"
        '    Then the text is\n      """\n      hi\n      """\n',
        encoding="utf-8",
    )
    feature = parse_feature(path, tmp_path)
    meta = Meta(title="t", generated_at="x", commit=None, wall_time=0.0)
    result = Run("t.feature", 2, None, "t", Status.PASSED, [StepResult(Status.PASSED)] * 2)
    [written] = to_cucumber(merge([feature], [result], meta, tmp_path))
    table_step, text_step = written["elements"][0]["steps"]
    assert table_step["arguments"] == [{"rows": [{"cells": ["a", "b"]}]}]
    assert text_step["arguments"] == [{"content": "hi", "line": 6}]
