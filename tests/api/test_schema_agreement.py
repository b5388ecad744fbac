"""The published schema says exactly which names the app accepts: one verdict per value.

Names are stripped of surrounding spaces and stored in NFC. The schema's limits apply to the
name as sent, and the pattern asks for at least one character that is neither a space nor a
control character; the app checks those same rules on the name as sent, then strips and
normalises. Each value below is judged by the published schema and by the app itself, over HTTP.
The schema's judge is `jsonschema_rs`, the validator schemathesis uses: JSON Schema patterns are
ECMA-262 regular expressions, whose `$` matches only at the very end (Python's `re`, and so the
`jsonschema` package, also lets `$` match before a final line break: "Desk lamp\n" would pass).
schemathesis then fuzzes the rest (tests/integration/fuzz/test_openapi_fuzz.py, every check and
phase).
"""

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.models import User
from tests.harness.types import HeadersFor

Send = Callable[[str], int]

NAMES = [
    pytest.param("Desk lamp", id="plain"),
    pytest.param("x" * 100, id="100 characters"),
    pytest.param("x" * 101, id="101 characters"),
    pytest.param("x" * 100 + " ", id="101 characters ending in a space"),
    pytest.param(" " + "x" * 99, id="100 characters starting with a space"),
    pytest.param("  Desk lamp  ", id="surrounded by spaces"),
    pytest.param("", id="empty"),
    pytest.param(" ", id="one space"),
    pytest.param("\u00a0", id="one no-break space"),
    pytest.param("\u3000\u2003\u202f", id="only other Unicode spaces"),
    pytest.param("Desk\u00a0lamp", id="a no-break space inside"),
    pytest.param("Desk lamp\n", id="ending in a line break"),
    pytest.param("\tDesk lamp", id="starting with a tab"),
    pytest.param("Desk lamp\u0085", id="ending in a C1 line break"),
    pytest.param("\u2028Desk lamp", id="starting with a line separator"),
    pytest.param("\ufb2c" * 100, id="100 characters three times longer in NFC"),
    pytest.param("Cafe\u0301", id="a combining accent"),
]


def _schema_accepts(schema: dict[str, Any], value: str) -> bool:
    return bool(jsonschema_rs.validator_for(schema).is_valid(value))


def _name_schema(app: FastAPI, model: str, field: str) -> dict[str, Any]:
    schema: dict[str, Any] = app.openapi()["components"]["schemas"][model]["properties"][field]
    # Optional fields publish `anyOf: [name, null]`: a name string is judged by its branch.
    branches = [b for b in schema.get("anyOf", [schema]) if b.get("type") == "string"]
    assert len(branches) == 1, schema
    return branches[0]


@pytest.fixture
def offer(client: TestClient, member: User, auth_headers: HeadersFor) -> Send:
    def send(name: str) -> int:
        body = {"name": name, "price": "1.00"}
        return client.post("/items/", json=body, headers=auth_headers(member)).status_code

    return send


@pytest.fixture
def rename(client: TestClient, member: User, auth_headers: HeadersFor) -> Send:
    created = client.post(
        "/items/", json={"name": "Original", "price": "1.00"}, headers=auth_headers(member)
    )
    item_id = created.json()["id"]

    def send(name: str) -> int:
        response = client.patch(
            f"/items/{item_id}", json={"name": name}, headers=auth_headers(member)
        )
        return response.status_code

    return send


@pytest.fixture
def register(client: TestClient) -> Send:
    registered = iter(range(1_000))

    def send(name: str) -> int:
        n = next(registered)
        body = {"email": f"u{n}@example.com", "username": f"user_{n}", "password": "x" * 12}
        return client.post("/users/", json={**body, "full_name": name}).status_code

    return send


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("operation", "model", "field", "accepted"),
    [
        pytest.param("offer", "ItemCreate", "name", 201, id="item name"),
        pytest.param("rename", "ItemUpdate", "name", 200, id="new item name"),
        pytest.param("register", "UserCreate", "full_name", 201, id="full name"),
    ],
)
def test_the_schema_and_the_app_agree_on_every_name(
    request: pytest.FixtureRequest,
    app: FastAPI,
    operation: str,
    model: str,
    field: str,
    accepted: int,
    name: str,
) -> None:
    send: Send = request.getfixturevalue(operation)
    schema_accepts = _schema_accepts(_name_schema(app, model, field), name)

    status = send(name)

    assert status in {accepted, 422}, status
    app_accepts = status == accepted
    assert app_accepts is schema_accepts, (
        f"{name!r}: the schema {'accepts' if schema_accepts else 'refuses'} it, "
        f"the app answered {status}"
    )


def test_accepted_names_are_stored_stripped_and_in_nfc(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    sent = {"name": "\u00a0 Cafe\u0301 \u3000", "price": "1.00"}

    response = client.post("/items/", json=sent, headers=auth_headers(member))

    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Café"
