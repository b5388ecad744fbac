"""Request and response bodies: what is accepted, what is refused, how money is written."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from app.models import Role
from app.schemas import (
    ItemCreate,
    ItemRead,
    ItemUpdate,
    UserAdminUpdate,
    UserCreate,
    UserPublic,
    UserRead,
    _published_without_null,
)
from app.text import EMAIL_NOT_AT_SPECIAL_USE_DOMAIN, _any_case

VALID_USER = {"email": "carol@example.com", "username": "carol", "password": "long-enough"}
VALID_ITEM = {"name": "Desk lamp", "price": "12.50"}


def _refused_fields(model: type[BaseModel], data: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(data)
    return {str(error["loc"][0]) for error in refused.value.errors()}


# --- users ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"username": "abc"}, id="username of 3"),
        pytest.param({"username": "a" * 32}, id="username of 32"),
        pytest.param({"username": "user_42"}, id="digits and underscore"),
        pytest.param({"password": "x" * 8}, id="password of 8"),
        pytest.param({"password": "x" * 128}, id="password of 128"),
        pytest.param({"full_name": "Carol Danvers"}, id="with full name"),
        pytest.param({"full_name": None}, id="full name null"),
    ],
)
def test_a_valid_registration_is_accepted(changes: dict[str, Any]) -> None:
    data = {**VALID_USER, **changes}
    assert UserCreate.model_validate(data).username == data["username"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"username": "ab"}, "username", id="username of 2"),
        pytest.param({"username": "a" * 33}, "username", id="username of 33"),
        pytest.param({"username": "Carol"}, "username", id="upper case"),
        pytest.param({"username": "car-ol"}, "username", id="hyphen"),
        pytest.param({"username": "car ol"}, "username", id="space"),
        pytest.param({"username": "caról"}, "username", id="non-ascii letter"),
        pytest.param({"username": "carol\n"}, "username", id="trailing newline"),
        pytest.param({"password": "x" * 7}, "password", id="password of 7"),
        pytest.param({"password": "x" * 129}, "password", id="password of 129"),
        pytest.param({"email": "not-an-email"}, "email", id="bad email"),
        pytest.param({"full_name": "   "}, "full_name", id="blank full name"),
        pytest.param({"full_name": "x" * 101}, "full_name", id="full name of 101"),
        pytest.param({"role": "admin"}, "role", id="role smuggled in"),
        pytest.param({"id": 1}, "id", id="id smuggled in"),
        pytest.param({"is_active": False}, "is_active", id="is_active smuggled in"),
    ],
)
def test_an_invalid_registration_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    assert _refused_fields(UserCreate, {**VALID_USER, **changes}) == {field}


def test_emails_are_stored_in_lower_case() -> None:
    data = {**VALID_USER, "email": "Carol@Example.COM"}
    assert UserCreate.model_validate(data).email == "carol@example.com"


@pytest.mark.parametrize(
    ("email", "published_as_valid"),
    [
        pytest.param("carol@example.com", True, id="ordinary domain"),
        pytest.param("carol@test.example.com", True, id="special name as a label"),
        pytest.param("carol@example.test", False, id=".test"),
        pytest.param("carol@example.TeSt", False, id=".test in mixed case"),
        pytest.param("carol@printer.LOCAL", False, id=".local in capitals"),
    ],
)
def test_the_published_email_pattern_refuses_special_use_domains(
    email: str, published_as_valid: bool
) -> None:
    # The schema tells clients what email-validator will refuse, whatever the letter case.
    assert bool(re.match(EMAIL_NOT_AT_SPECIAL_USE_DOMAIN, email)) is published_as_valid


@pytest.mark.parametrize("written", ["test", "TEST", "Test", "tEsT"])
def test_a_domain_name_is_matched_in_any_letter_case(written: str) -> None:
    # Called here rather than only through the pattern above, which is built once at import.
    assert re.fullmatch(_any_case("test"), written)
    assert not re.fullmatch(_any_case("test"), "tent")


def test_a_member_view_of_a_user_has_no_private_fields() -> None:
    assert set(UserPublic.model_fields) == {"id", "username", "full_name"}
    assert set(UserRead.model_fields) == {
        "id",
        "username",
        "full_name",
        "email",
        "role",
        "is_active",
        "created_at",
    }


@pytest.mark.parametrize(
    ("data", "changes"),
    [
        pytest.param({"role": "admin"}, {"role": Role.ADMIN}, id="role admin"),
        pytest.param(
            {"role": "member", "is_active": False},
            {"role": Role.MEMBER, "is_active": False},
            id="member and inactive",
        ),
        pytest.param({}, {}, id="nothing"),
    ],
)
def test_an_admin_may_change_role_and_status(data: dict[str, Any], changes: dict[str, Any]) -> None:
    assert UserAdminUpdate.model_validate(data).model_dump(exclude_unset=True) == changes


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"role": "owner"}, "role", id="unknown role"),
        pytest.param({"is_active": "maybe"}, "is_active", id="not a boolean"),
        pytest.param({"email": "x@example.com"}, "email", id="other field"),
    ],
)
def test_an_admin_may_change_nothing_else(data: dict[str, Any], field: str) -> None:
    assert _refused_fields(UserAdminUpdate, data) == {field}


# --- items ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "stored"),
    [
        pytest.param("0.01", "0.01", id="smallest"),
        pytest.param("1000000", "1000000.00", id="largest"),
        pytest.param("12.5", "12.50", id="one place"),
        pytest.param(12, "12.00", id="integer"),
        pytest.param(19.99, "19.99", id="JSON number"),
        pytest.param("12.50", "12.50", id="two places"),
    ],
)
def test_a_price_is_kept_to_the_cent(price: Any, stored: str) -> None:
    item = ItemCreate.model_validate({**VALID_ITEM, "price": price})
    assert item.price == Decimal(stored)
    assert str(item.price) == stored


@pytest.mark.parametrize(
    "price",
    [
        pytest.param("0", id="zero"),
        pytest.param("0.00", id="zero with places"),
        pytest.param("-1", id="negative"),
        pytest.param("1000000.01", id="over a million"),
        pytest.param("12.345", id="three places"),
        pytest.param("0.001", id="below a cent"),
        pytest.param("NaN", id="not a number"),
        pytest.param("Infinity", id="infinite"),
        pytest.param("twelve", id="words"),
        pytest.param(True, id="boolean"),
        pytest.param(None, id="null"),
    ],
)
def test_an_invalid_price_is_refused(price: Any) -> None:
    assert _refused_fields(ItemCreate, {**VALID_ITEM, "price": price}) == {"price"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"name": ""}, "name", id="empty name"),
        pytest.param({"name": "   "}, "name", id="blank name"),
        pytest.param({"name": "x" * 101}, "name", id="name of 101"),
        pytest.param({"description": "x" * 1001}, "description", id="description of 1001"),
        pytest.param({"owner_id": 2}, "owner_id", id="owner smuggled in"),
        pytest.param({"id": 5}, "id", id="id smuggled in"),
    ],
)
def test_an_invalid_item_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    assert _refused_fields(ItemCreate, {**VALID_ITEM, **changes}) == {field}


def test_item_names_are_trimmed_and_may_be_100_long_as_sent() -> None:
    # The limit counts the spaces that trimming drops: the schema states it for the name as sent.
    item = ItemCreate.model_validate(
        {**VALID_ITEM, "name": f"  {'x' * 96}  ", "description": "d" * 1000}
    )
    assert item.name == "x" * 96
    assert len(item.description or "") == 1000


def test_a_missing_name_or_price_is_refused() -> None:
    assert _refused_fields(ItemCreate, {}) == {"name", "price"}


def test_an_update_only_sets_what_it_was_given() -> None:
    assert ItemUpdate.model_validate({}).model_dump(exclude_unset=True) == {}
    assert ItemUpdate.model_validate({"description": None}).model_dump(exclude_unset=True) == {
        "description": None
    }


@pytest.mark.parametrize("field", ["name", "price"])
def test_an_update_may_not_null_a_required_field(field: str) -> None:
    assert _refused_fields(ItemUpdate, {field: None}) == {field}


def test_an_update_publishes_name_and_price_as_never_null() -> None:
    schema = ItemUpdate.model_json_schema()["properties"]
    first_offer = ItemCreate.model_json_schema()["properties"]

    assert schema["name"] == {**first_offer["name"], "default": None}
    assert schema["price"] == {**first_offer["price"], "default": None}
    # A description, unlike them, may be cleared with null.
    assert {"type": "null"} in schema["description"]["anyOf"]


def test_the_never_null_schema_is_the_plain_schema_of_the_type() -> None:
    # Called here as well: the models above build their schema once, at import.
    assert _published_without_null(int).json_schema == {"type": "integer"}


def test_prices_and_times_serialise_as_strings() -> None:
    item = ItemRead(
        id=1,
        name="Desk lamp",
        description=None,
        price=Decimal("12.50"),
        owner_id=1,
        created_at=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    dumped = item.model_dump(mode="json")
    assert dumped["price"] == "12.50"
    assert dumped["created_at"] == "2030-01-02T03:04:05Z"
