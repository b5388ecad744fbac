"""An undefined step names the closest wordings the step definitions allow.

The comparison is unit-tested here; test_guards.py and test_wip.py show the wordings in the
guard's message and on the page.
"""

import pytest

from pytest_bdd_livingdoc import suggestions
from test_guards import GUARDS, run, write_project

WORDINGS = {
    "{actor} removes the {item name}": ['Alice removes the "Desk lamp"'],
    "{actor} renames the {item name} to {item name}": ['Alice renames the "Lamp" to "Light"'],
    "{actor} offers a/an {item name} for {price}": ['Olivia offers a "Standing desk" for 300.00'],
    "{actor} signs in with her/his/their password": ["Alice signs in with her password"],
    "the change is saved": [],
}


@pytest.mark.parametrize(
    ("sentence", "best"),
    [
        # Another verb, other values: the rest of the sentence is what counts.
        ('Bob deletes the "Oak shelf"', "{actor} removes the {item name}"),
        ('Alice adds a "Desk lamp" for 12.00', "{actor} offers a/an {item name} for {price}"),
        ("Dave logs in with his password", "{actor} signs in with her/his/their password"),
        # A wording no feature uses yet is compared in its own form.
        ("the changes are saved", "the change is saved"),
    ],
)
def test_the_closest_wording_comes_first(sentence: str, best: str) -> None:
    found = suggestions.closest(sentence, WORDINGS)
    assert found, f"nothing suggested for {sentence!r}"
    assert found[0].wording == best


def test_unrelated_sentences_get_no_suggestion() -> None:
    assert suggestions.closest("the weather in Lisbon is mild today", WORDINGS) == []


def test_at_most_three_and_each_with_an_example() -> None:
    found = suggestions.closest('Bob moves the "Lamp" to "Attic"', WORDINGS, cutoff=0.0)
    assert len(found) == suggestions.LIMIT
    assert str(found[0]) == (
        "{actor} renames the {item name} to {item name}  "
        """(e.g. 'Alice renames the "Lamp" to "Light"')"""
    )


RETURNS_FEATURE = """
    Feature: Returns
      Scenario: Returning a lamp
        Given Alice bought a "Desk lamp"
        When Alice brings back the "Desk lamp"
    """

RETURNS_STEPS = """
    from pytest_bdd import given, parsers, scenarios, when

    scenarios("returns.feature")


    @given(parsers.parse('{actor} bought a "{thing}"'))
    def _(actor: str, thing: str) -> None:
        pass


    @when(parsers.parse('{actor} returns the "{thing}"'))
    def _(actor: str, thing: str) -> None:
        pass
    """


def test_the_guard_names_the_closest_wording(pytester: pytest.Pytester) -> None:
    write_project(pytester, {"returns.feature": RETURNS_FEATURE, "test_returns.py": RETURNS_STEPS})

    unguarded = run(pytester)
    unguarded.assert_outcomes(failed=1)
    unguarded.stdout.no_fnmatch_line("*closest wording*")

    guarded = run(pytester, *GUARDS)
    guarded.assert_outcomes(failed=1)
    guarded.stdout.fnmatch_lines(
        [
            """*returns.feature:4  When 'Alice brings back the "Desk lamp"'*""",
            """*closest wording: When {actor} returns the "{thing}"*""",
        ]
    )
