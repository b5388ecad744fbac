"""The step catalogue reads feature steps as pytest-bdd runs them, and matches them by type.

test_guards.py runs it whole, through `drift_report_for(config)`, over a sample project.
"""

import textwrap
from pathlib import Path

import pytest
from pytest_bdd import parsers

from pytest_bdd_livingdoc import catalogue, options


def steps_of(tmp_path: Path, text: str) -> list[tuple[int, str, str]]:
    path = tmp_path / "features" / "sample.feature"
    path.parent.mkdir()
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    found = catalogue.feature_steps([path], root=tmp_path)
    assert {step.path for step in found} == {Path("features/sample.feature")}
    return [(step.line, step.type, step.text) for step in found]


def test_conjunctions_take_the_type_before_them_within_their_block(tmp_path: Path) -> None:
    steps = steps_of(
        tmp_path,
        """
        Feature: Types
          Background:
            Given Alice is a member
            And Bob is a member

          Rule: Prices are positive
            Background:
              Given the shop is open

            Scenario: A free lamp
              When Alice offers a lamp for 0.00
              But Bob offers a chair for 1.00
              Then the lamp is refused
              * the chair is accepted
        """,
    )
    assert steps == [
        (4, "given", "Alice is a member"),
        (5, "given", "Bob is a member"),
        (9, "given", "the shop is open"),
        (12, "when", "Alice offers a lamp for 0.00"),
        (13, "when", "Bob offers a chair for 1.00"),
        (14, "then", "the lamp is refused"),
        (15, "then", "the chair is accepted"),
    ]


def test_outline_steps_are_rendered_once_per_examples_row(tmp_path: Path) -> None:
    steps = steps_of(
        tmp_path,
        """
        Feature: Outlines
          Scenario Outline: Prices
            When Alice offers a "<name>" for <price>
            Then the <thing> is <outcome>

            Examples: refused
              | name | price | outcome |
              | Lamp | 0.00  | refused |

            @wide
            Examples: accepted
              | name  | price | outcome  |
              | Chair | 1.00  | accepted |
              | Lamp  | 0.00  | refused  |
        """,
    )
    # <thing> has no column, so it stays as written, as pytest-bdd leaves it; repeated rows
    # collapse into one entry.
    assert steps == [
        (4, "when", 'Alice offers a "Lamp" for 0.00'),
        (5, "then", "the <thing> is refused"),
        (4, "when", 'Alice offers a "Chair" for 1.00'),
        (5, "then", "the <thing> is accepted"),
    ]


def test_a_block_opening_with_a_conjunction_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"sample\.feature:4: .* not 'And'"):
        steps_of(
            tmp_path,
            """
            Feature: Broken
              Scenario: Starts with And
                And Alice is a member
            """,
        )


def test_a_typed_definition_serves_only_its_own_type() -> None:
    given = catalogue.StepDefinition("given", parsers.string("Alice is a member"), _step)
    anything = catalogue.StepDefinition(None, parsers.string("Alice is a member"), _step)
    as_then = catalogue.FeatureStep(Path("f.feature"), 3, "And", "then", "Alice is a member")
    assert not given.matches(as_then)
    assert anything.matches(as_then)
    report = catalogue.drift_report([given], [as_then])
    assert "1 step definition(s) no feature step uses" in report
    assert "f.feature:3  And 'Alice is a member' (a then step)" in report
    assert catalogue.drift_report([anything], [as_then]) == ""


def _step() -> None:
    """A stand-in step function; the catalogue only reads where it is defined."""


def test_reading_no_feature_file_is_refused(tmp_path: Path) -> None:
    # Otherwise a misplaced features directory would make every check pass.
    with pytest.raises(pytest.UsageError, match=r"no \.feature file under .*features"):
        catalogue.read(tmp_path / "features", ["pytest_bdd_livingdoc"])


def test_reading_no_step_definition_is_refused(tmp_path: Path) -> None:
    steps_of(tmp_path, "Feature: Empty\n  Scenario: Nothing\n    Given nothing\n")
    # A real package, but one that defines no step.
    with pytest.raises(pytest.UsageError, match="no step definition in the package"):
        catalogue.read(tmp_path / "features", ["pytest_bdd_livingdoc"])


class IniOnly:
    """A pytest configuration reduced to the ini values it is asked for."""

    def __init__(self, **values: object) -> None:
        self.values = values

    def getini(self, name: str) -> object:
        return self.values[name]


def test_without_step_packages_the_catalogue_says_what_to_set() -> None:
    with pytest.raises(pytest.UsageError, match="livingdoc_step_packages names no package"):
        options.step_packages(IniOnly(livingdoc_step_packages=[]))  # type: ignore[arg-type]
