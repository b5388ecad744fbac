"""The feature tree from gherkin-official, and its merge with a run's records."""

from pathlib import Path

import pytest

from pytest_bdd_livingdoc.features import fill, parse_feature
from pytest_bdd_livingdoc.merge import merge
from pytest_bdd_livingdoc.model import Feature, Meta, Rule, Run, Status, StepResult, worst
from shop_project import SHOP_FEATURE, UNBOUND_FEATURE


@pytest.fixture
def shop(tmp_path: Path) -> Feature:
    path = tmp_path / "features" / "shop.feature"
    path.parent.mkdir()
    path.write_text(SHOP_FEATURE, encoding="utf-8")
    return parse_feature(path, tmp_path)


def meta() -> Meta:
    return Meta(title="t", generated_at="2026-01-01T00:00:00+00:00", commit=None, wall_time=1.0)


def run_for(feature: str, line: int, row: int | None, status: Status, steps: int) -> Run:
    return Run(feature, line, row, f"test::{line}-{row}", status, [StepResult(status)] * steps)


def test_the_tree_keeps_narrative_rules_and_tags(shop: Feature) -> None:
    assert shop.path == "features/shop.feature"
    assert (shop.keyword, shop.name, shop.line) == ("Feature", "Shop", 2)
    assert shop.description == "As a product owner\nI want every verdict on every sentence"
    assert [t.name for t in shop.tags] == ["@shop"]
    rules = [child for child in shop.children if isinstance(child, Rule)]
    assert [r.name for r in rules] == ["Prices are what the list says", "The stockroom"]
    assert [t.name for t in rules[0].tags] == ["@pricing"]
    assert rules[1].background is not None
    assert [s.text for s in rules[1].background.steps] == ["the stockroom is flooded"]


def test_every_outline_row_is_a_case_with_its_values_and_tags(shop: Feature) -> None:
    outline = next(s for s in shop.scenarios() if s.is_outline)
    assert [e.name for e in outline.examples] == ["Cheap things", "Dear things"]
    cases = outline.cases
    assert [c.name for c in cases] == ["A pen costs 1", "A cup costs 2", "A sofa costs 999"]
    assert [c.row.index for c in cases if c.row] == [0, 1, 2]
    assert [c.row.values for c in cases if c.row] == [["pen", "1"], ["cup", "2"], ["sofa", "999"]]
    assert cases[0].tag_names == ["@shop", "@pricing", "@prices", "@cheap"]
    assert cases[2].tag_names == ["@shop", "@pricing", "@prices", "@dear"]
    # The rule's background leads, values are filled in the very words pytest-bdd runs.
    assert [(s.keyword, s.text, s.from_background) for s in cases[1].steps] == [
        ("Given ", "an open shop", True),
        ("When ", 'I buy a "cup"', False),
        ("Then ", "it costs 2", False),
    ]
    assert outline.tag_names == ["@shop", "@pricing", "@prices", "@cheap", "@dear"]


def test_fill_leaves_unknown_parameters_as_written() -> None:
    assert fill("<a> and <b>", {"a": "1"}) == "1 and <b>"


def test_docstrings_and_tables_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "t.feature"
    path.write_text(
        "Feature: T\n  Scenario Outline: S\n    Given these:\n      | name | <n> |\n"
        '    Then the text is\n      """\n      hello <n>\n      """\n'
        "    Examples:\n      | n |\n      | 7 |\n    Examples:\n      | n |\n",
        encoding="utf-8",
    )
    scenario = next(parse_feature(path, tmp_path).scenarios())
    [case] = scenario.cases  # the headless and the empty Examples block make no case
    assert case.steps[0].table == [["name", "7"]]
    assert case.steps[1].docstring == "hello 7"


def test_a_file_without_a_feature_is_an_empty_feature(tmp_path: Path) -> None:
    path = tmp_path / "empty.feature"
    path.write_text("# nothing yet\n", encoding="utf-8")
    feature = parse_feature(path, tmp_path)
    assert (feature.name, list(feature.cases())) == ("empty", [])


def test_merge_attaches_runs_and_leaves_the_rest_not_run(shop: Feature, tmp_path: Path) -> None:
    runs = [
        run_for("features/shop.feature", 7, None, Status.PASSED, 4),
        run_for("features/shop.feature", 41, 1, Status.FAILED, 3),
    ]
    document = merge([shop], runs, meta(), tmp_path)
    statuses = {case.name: case.status for case in document.cases()}
    assert statuses["Buying a lamp"] is Status.PASSED
    assert statuses["A cup costs 2"] is Status.FAILED
    assert statuses["A pen costs 1"] is Status.NOT_RUN
    assert document.case_totals()[Status.NOT_RUN] == 8
    not_run = next(c for c in document.cases() if c.name == "A pen costs 1")
    assert [r.status for r in not_run.step_results()] == [Status.NOT_RUN] * 3
    assert document.coverage is None


def test_a_case_run_twice_shows_the_worse_run(shop: Feature, tmp_path: Path) -> None:
    runs = [
        run_for("features/shop.feature", 7, None, Status.PASSED, 4),
        run_for("features/shop.feature", 7, None, Status.FAILED, 4),
    ]
    document = merge([shop], runs, meta(), tmp_path)
    assert next(document.cases()).status is Status.FAILED


def test_runs_of_features_outside_the_tree_are_parsed_and_unknown_ones_kept(
    shop: Feature, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "returns.feature").write_text(UNBOUND_FEATURE, encoding="utf-8")
    runs = [
        run_for("elsewhere/returns.feature", 4, None, Status.PASSED, 2),
        run_for("features/shop.feature", 999, None, Status.PASSED, 1),
    ]
    document = merge([shop], runs, meta(), tmp_path)
    assert [f.path for f in document.features] == [
        "elsewhere/returns.feature",
        "features/shop.feature",
    ]
    assert next(document.cases()).status is Status.PASSED
    assert [run.line for run in document.meta.orphans] == [999]


def test_a_record_of_another_version_is_refused() -> None:
    record = run_for("f", 1, None, Status.PASSED, 1).to_record()
    record["version"] = 99
    with pytest.raises(ValueError, match="unsupported living-docs record version: 99"):
        Run.from_record(record)


def test_worst_orders_statuses_by_alarm() -> None:
    assert worst([Status.PASSED, Status.SKIPPED, Status.UNDEFINED]) is Status.UNDEFINED
    assert worst([Status.PASSED, Status.FAILED]) is Status.FAILED
    assert worst([]) is Status.NOT_RUN
