"""Cucumber Expressions as step patterns: matching, values, argument names, the vocabulary."""

from decimal import Decimal
from enum import Enum

import pytest

from pytest_bdd_livingdoc.expressions import CucumberExpression, Vocabulary, argument_name


class Colour(Enum):
    GREEN = "green"
    DARK_GREEN = "dark green"


@pytest.fixture
def words() -> Vocabulary:
    vocabulary = Vocabulary()
    vocabulary.define("actor", r"[A-Z][a-z]+", description="a person")
    vocabulary.define("price", r"\d+\.\d\d", Decimal, description="money")
    vocabulary.quoted("item name", description="an item's name")
    vocabulary.phrases("role", {"a member": "member", "an admin": "admin"}, description="a role")
    vocabulary.enum("colour", Colour, description="a colour")
    return vocabulary


def test_values_arrive_converted_under_their_type_names(words: Vocabulary) -> None:
    expression = words.expression("{actor} offers a/an {item name} for {price}")
    assert expression.is_matching('Alice offers an "Oak shelf" for 12.50')
    assert expression.parse_arguments('Alice offers a "Desk lamp" for 12.50') == {
        "actor": "Alice",
        "item_name": "Desk lamp",
        "price": Decimal("12.50"),
    }


def test_the_whole_sentence_must_match(words: Vocabulary) -> None:
    expression = words.expression("{actor} is {role}")
    assert expression.is_matching("Alice is a member")
    assert not expression.is_matching("Alice is a member today")
    assert not expression.is_matching("so Alice is a member")
    assert not expression.is_matching("alice is a member")
    assert expression.parse_arguments("Bob is a member, really") is None


def test_alternatives_and_optional_text(words: Vocabulary) -> None:
    expression = words.expression("{actor} looks herself/himself up in {price} minute(s)")
    assert expression.is_matching("Alice looks herself up in 1.00 minute")
    assert expression.is_matching("Bob looks himself up in 2.00 minutes")
    assert not expression.is_matching("Bob looks themselves up in 2.00 minutes")


def test_phrases_and_enums_are_closed_lists_longest_first(words: Vocabulary) -> None:
    expression = words.expression("the lamp is {colour}")
    assert expression.parse_arguments("the lamp is dark green") == {"colour": Colour.DARK_GREEN}
    assert expression.parse_arguments("the lamp is green") == {"colour": Colour.GREEN}
    assert not expression.is_matching("the lamp is red")
    role = words.expression("{actor} is {role}")
    assert role.parse_arguments("Olivia is an admin") == {"actor": "Olivia", "role": "admin"}


def test_quoted_text_may_be_empty(words: Vocabulary) -> None:
    expression = words.expression("{actor} names it {item name}")
    assert expression.parse_arguments('Alice names it ""') == {"actor": "Alice", "item_name": ""}


def test_a_type_used_twice_is_numbered_or_named_in_order(words: Vocabulary) -> None:
    numbered = words.expression("{actor} looks up {actor}")
    assert numbered.parse_arguments("Olivia looks up Bob") == {"actor": "Olivia", "actor_2": "Bob"}
    expression = words.expression("{actor} looks up {actor}", "viewer", "subject")
    assert expression.parse_arguments("Olivia looks up Bob") == {
        "viewer": "Olivia",
        "subject": "Bob",
    }
    with pytest.raises(ValueError, match=r"has 2 parameter\(s\), but 1 name\(s\) were given"):
        words.expression("{actor} looks up {actor}", "viewer")


def test_an_unknown_placeholder_is_refused_when_the_step_is_declared(words: Vocabulary) -> None:
    with pytest.raises(Exception, match=r"Undefined parameter type 'colour name'"):
        words.expression("the lamp is {colour name}")


def test_a_type_is_defined_once(words: Vocabulary) -> None:
    with pytest.raises(ValueError, match=r"\{actor\} is defined twice"):
        words.define("actor", r"\w+", description="again")


def test_the_catalogue_learns_each_placeholder(words: Vocabulary) -> None:
    expression = words.expression("{actor} offers a/an {item name} for {price}")
    used = words.used_by(expression)
    assert [placeholder.name for placeholder in used] == ["actor", "item name", "price"]
    assert words.placeholders["role"].accepts == "a member | an admin"
    assert words.placeholders["actor"].accepts == "/[A-Z][a-z]+/"
    assert isinstance(expression, CucumberExpression)
    assert expression.vocabulary is words
    assert repr(expression) == "CucumberExpression('{actor} offers a/an {item name} for {price}')"


def test_argument_names_are_python_names() -> None:
    assert argument_name("item name") == "item_name"
    assert argument_name("can or cannot") == "can_or_cannot"
