"""Bodies no well-behaved client sends: each gets a 4xx that says what is wrong, never a 500.

The `client` fixture raises any server exception into the test, so a crash cannot hide behind
a status code here.
"""

from collections.abc import Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.body_limit import BODY_TOO_LARGE
from app.http_errors import NESTED_TOO_DEEPLY, NOT_UTF8, UNSUPPORTED_MEDIA_TYPE
from app.models import Item, User
from tests.harness.types import HeadersFor
from tests.support.db_snapshot import row_counts
from tests.support.factories import UserFactory

JSON = {"content-type": "application/json"}
LIMIT = 64 * 1024
VALID_ITEM = b'{"name": "Desk lamp", "price": "12.50"}'


@pytest.fixture
def member(db_session: Session) -> User:
    return UserFactory()


@pytest.fixture
def headers(member: User, auth_headers: HeadersFor) -> dict[str, str]:
    return auth_headers(member)


def _post_item(client: TestClient, headers: dict[str, str], body: bytes) -> httpx2.Response:
    return client.post("/items/", content=body, headers={**headers, **JSON})


# --- not JSON, or not the JSON we asked for ------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"name": "Lamp", "price": "1.00"', id="cut short"),
        pytest.param(b"{'name': 'Lamp'}", id="single quotes"),
        pytest.param(b'{"name": "Lamp",}', id="trailing comma"),
        pytest.param(b"\xff\xfe{}", id="not UTF-8"),
        pytest.param(b"name=Lamp&price=1", id="a form body labelled JSON"),
    ],
)
def test_invalid_json_is_a_422_that_says_where(
    client: TestClient, headers: dict[str, str], body: bytes
) -> None:
    response = _post_item(client, headers, body)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["type"], error["msg"]) == ("json_invalid", "JSON decode error")
    assert error["ctx"]["error"], "the parser's reason is passed on"
    assert error["loc"][0] == "body"
    assert isinstance(error["loc"][1], int), "and the offset where it went wrong"


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
    ],
)
def test_a_body_that_is_not_labelled_json_is_415(
    client: TestClient, headers: dict[str, str], content_type: str
) -> None:
    response = client.post(
        "/items/", content=VALID_ITEM, headers={**headers, "content-type": content_type}
    )

    assert response.status_code == 415
    assert response.json() == {"detail": UNSUPPORTED_MEDIA_TYPE}


def test_a_body_without_any_content_type_is_415(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.post("/items/", content=VALID_ITEM, headers=headers)

    assert response.status_code == 415
    assert response.json() == {"detail": UNSUPPORTED_MEDIA_TYPE}


def test_json_with_a_vendor_suffix_is_accepted(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post(
        "/items/",
        content=VALID_ITEM,
        headers={**headers, "content-type": "application/vnd.items+json; charset=utf-8"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        pytest.param(b"", "missing", id="empty"),
        pytest.param(b"[]", "model_attributes_type", id="an array"),
        pytest.param(b'"Lamp"', "model_attributes_type", id="a string"),
        pytest.param(b"null", "model_attributes_type", id="null"),
    ],
)
def test_json_that_is_not_an_object_is_a_422(
    client: TestClient, headers: dict[str, str], body: bytes, error_type: str
) -> None:
    response = _post_item(client, headers, body)

    assert response.status_code == 422, response.text
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [(error_type, ["body"])]


@pytest.mark.parametrize(
    "price",
    [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"1e-400", b'"12.345"', b"true", b"[]"],
)
def test_prices_json_allows_but_money_does_not_are_422(
    client: TestClient, headers: dict[str, str], price: bytes
) -> None:
    response = _post_item(client, headers, b'{"name": "Lamp", "price": ' + price + b"}")

    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "price"]]


# --- size and shape ------------------------------------------------------------------------------


def test_a_body_declared_too_large_is_refused_before_it_is_read(
    client: TestClient, headers: dict[str, str]
) -> None:
    body = b'{"name": "Lamp", "price": "1.00", "description": "' + b"x" * LIMIT + b'"}'

    response = _post_item(client, headers, body)

    assert response.status_code == 413
    assert response.json() == {"detail": BODY_TOO_LARGE.format(limit=LIMIT)}


def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(
    client: TestClient, headers: dict[str, str]
) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        # No Content-Length: the limit has to be enforced while the body arrives.
        for _ in range(1_000):
            sent.append(1)
            yield b" " * 1024

    response = client.post("/items/", content=chunks(), headers={**headers, **JSON})

    assert response.status_code == 413
    assert response.json() == {"detail": BODY_TOO_LARGE.format(limit=LIMIT)}


def test_a_large_body_under_the_limit_is_judged_on_its_content(
    client: TestClient, headers: dict[str, str]
) -> None:
    body = b'{"name": "Lamp", "price": "1.00", "description": "' + b"x" * 30_000 + b'"}'

    response = _post_item(client, headers, body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "string_too_long"


def test_json_nested_thousands_deep_is_a_400(client: TestClient, headers: dict[str, str]) -> None:
    depth = 30_000  # 60,000 bytes: under the size limit, far over Python's recursion limit
    response = _post_item(client, headers, b"[" * depth + b"]" * depth)

    assert response.status_code == 400
    assert response.json() == {"detail": NESTED_TOO_DEEPLY}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"name": "Caf\xe9", "price": "1.00"}', id="Latin-1 inside a string"),
        pytest.param(b"\xc3\x28", id="a broken two-byte sequence"),
    ],
)
def test_a_body_that_is_not_utf8_is_a_400_saying_so(
    client: TestClient, headers: dict[str, str], body: bytes
) -> None:
    response = _post_item(client, headers, body)

    assert (response.status_code, response.json()) == (400, {"detail": NOT_UTF8})


def test_nesting_where_a_string_belongs_is_a_422(
    client: TestClient, headers: dict[str, str]
) -> None:
    nested = b"[" * 500 + b"]" * 500
    response = _post_item(client, headers, b'{"name": ' + nested + b', "price": "1.00"}')

    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("string_type", ["body", "name"])
    ]


# --- unicode in names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("\\u0000Lamp", id="NUL"),
        pytest.param("La\\u0007mp", id="bell"),
        pytest.param("Lamp\\u001b[31m", id="terminal escape"),
        pytest.param("La\\u007fmp", id="DEL"),
        pytest.param("La\\u0085mp", id="C1 next line"),
        pytest.param("Desk\\nlamp", id="line break in a name"),
        pytest.param("\\ud800Lamp", id="lone surrogate"),
        pytest.param("\\udc00", id="lone low surrogate"),
        pytest.param("   ", id="only spaces"),
        pytest.param("\\u3000\\u00a0", id="only unicode spaces"),
        pytest.param("x" * 101, id="101 characters"),
    ],
)
def test_names_with_control_characters_or_broken_unicode_are_422(
    client: TestClient, db_session: Session, headers: dict[str, str], name: str
) -> None:
    before = row_counts(db_session)
    # Raw JSON text: the escapes reach the server exactly as written.
    body = ('{"name": "' + name + '", "price": "1.00"}').encode()

    response = _post_item(client, headers, body)

    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "name"]]
    assert row_counts(db_session) == before


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        pytest.param("Canapé 🛋️", "Canapé 🛋️", id="accent and emoji"),
        pytest.param("👩‍👩‍👧 family lamp", "👩‍👩‍👧 family lamp", id="zero-width joiner emoji"),
        pytest.param("مصباح مكتب", "مصباح مكتب", id="right to left"),
        pytest.param("台灯", "台灯", id="CJK"),
        pytest.param("Cafe\u0301", "Café", id="combining accent becomes NFC"),
        pytest.param("  Lamp\u00a0", "Lamp", id="surrounding unicode spaces trimmed"),
        pytest.param("𝔏𝔞𝔪𝔭" * 25, "𝔏𝔞𝔪𝔭" * 25, id="100 astral characters"),
    ],
)
def test_real_world_unicode_names_are_kept(
    client: TestClient, db_session: Session, headers: dict[str, str], sent: str, stored: str
) -> None:
    response = client.post("/items/", json={"name": sent, "price": "1.00"}, headers=headers)

    assert response.status_code == 201, response.text
    assert response.json()["name"] == stored
    assert db_session.get(Item, response.json()["id"]).name == stored  # type: ignore[union-attr]


def test_a_description_may_hold_line_breaks_but_not_nul(
    client: TestClient, headers: dict[str, str]
) -> None:
    multi_line = {"name": "Lamp", "price": "1.00", "description": "Brass.\r\n\tDimmable."}
    assert client.post("/items/", json=multi_line, headers=headers).status_code == 201

    response = _post_item(
        client, headers, b'{"name": "Lamp 2", "price": "1.00", "description": "a\\u0000b"}'
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "description"]]


@pytest.mark.parametrize("query", ["%00", "lamp%1b", "%ff%fe"])
def test_a_search_term_with_control_characters_is_422_not_a_crash(
    client: TestClient, headers: dict[str, str], query: str
) -> None:
    response = client.get(f"/items/?q={query}", headers=headers)

    assert response.status_code in {200, 422}, response.text
    if query != "%ff%fe":
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "q"]


def test_a_full_name_gets_the_same_rules_as_an_item_name(client: TestClient) -> None:
    body = b'{"email": "z@example.com", "username": "zed", "password": "pw-long-1", '
    response = client.post("/users/", content=body + b'"full_name": "Zed\\u0000"}', headers=JSON)

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "full_name"]]


# --- the login form --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"username": "ali\x00ce", "password": "pw-long-1"}, id="NUL in the username"),
        pytest.param({"username": "alice", "password": "pw\x00long"}, id="NUL in the password"),
        pytest.param({"username": "a" * 60_000, "password": "pw-long-1"}, id="huge username"),
        pytest.param({"username": "ALICE", "password": "pw-long-1"}, id="not a username's shape"),
    ],
)
def test_a_login_form_no_account_could_match_is_a_plain_401(
    client: TestClient, form: dict[str, str]
) -> None:
    # PostgreSQL refuses a NUL byte in a query: the service must not even ask it.
    UserFactory(username="alice")

    response = client.post("/token", data=form)

    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Incorrect username or password"}
