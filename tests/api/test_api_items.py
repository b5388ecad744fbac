"""POST/GET/PATCH/DELETE /items/: prices as strings, names per owner, owner-or-admin changes."""

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Item, User
from app.services import items as service
from tests.harness.types import HeadersFor
from tests.support.factories import ItemFactory

LAMP = {"name": "Desk lamp", "price": "12.50"}


def _item_count(db: Session) -> int:
    return db.scalar(select(func.count(Item.id))) or 0


# --- creating ---------------------------------------------------------------------------


@pytest.mark.parametrize("price", ["12.5", 12.5, "12.50"], ids=["string", "number", "two places"])
def test_a_new_item_belongs_to_the_caller_and_its_price_is_a_string_to_the_cent(
    client: TestClient, member: User, auth_headers: HeadersFor, price: Any
) -> None:
    response = client.post(
        "/items/", json={"name": "  Desk lamp ", "price": price}, headers=auth_headers(member)
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["price"], body["owner_id"]) == ("Desk lamp", "12.50", member.id)
    assert body["created_at"].endswith("Z")


def test_a_listed_item_shows_the_same_price_as_when_it_was_created(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    created = client.post(
        "/items/", json={"name": "Mug", "price": 7}, headers=auth_headers(member)
    ).json()

    fetched = client.get(f"/items/{created['id']}", headers=auth_headers(member)).json()

    assert created["price"] == fetched["price"] == "7.00"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"name": "   "}, id="blank name"),
        pytest.param({"name": "x" * 101}, id="long name"),
        pytest.param({"description": "x" * 1001}, id="long description"),
        pytest.param({"price": 0}, id="free"),
        pytest.param({"price": "12.345"}, id="three places"),
        pytest.param({"price": "1000000.01"}, id="over a million"),
        pytest.param({"owner_id": 1}, id="owner smuggled in"),
    ],
)
def test_an_invalid_item_is_refused_and_not_stored(
    client: TestClient,
    db_session: Session,
    member: User,
    auth_headers: HeadersFor,
    changes: dict[str, Any],
) -> None:
    response = client.post("/items/", json={**LAMP, **changes}, headers=auth_headers(member))

    assert response.status_code == 422
    assert _item_count(db_session) == 0


def test_a_second_item_with_the_same_name_is_a_conflict(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    ItemFactory(owner=member, name="Desk lamp")

    response = client.post("/items/", json=LAMP, headers=auth_headers(member))

    assert response.status_code == 409
    assert response.json() == {"detail": service.DUPLICATE_NAME}


def test_another_owner_may_reuse_a_name(
    client: TestClient, member: User, other_member: User, auth_headers: HeadersFor
) -> None:
    ItemFactory(owner=other_member, name="Desk lamp")
    assert client.post("/items/", json=LAMP, headers=auth_headers(member)).status_code == 201


def test_a_name_clash_caught_only_by_the_database_is_a_conflict_and_the_api_recovers(
    client: TestClient,
    member: User,
    auth_headers: HeadersFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ItemFactory(owner=member, name="Desk lamp")
    monkeypatch.setattr(service, "_ensure_name_free", lambda *args: None)

    clash = client.post("/items/", json=LAMP, headers=auth_headers(member))
    after = client.post("/items/", json={**LAMP, "name": "Mug"}, headers=auth_headers(member))

    assert clash.status_code == 409
    assert after.status_code == 201


def test_creating_an_item_needs_a_token(client: TestClient) -> None:
    assert client.post("/items/", json=LAMP).status_code == 401


# --- listing ----------------------------------------------------------------------------


def test_the_listing_defaults_to_twenty_in_creation_order(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    ids = sorted(item.id for item in ItemFactory.create_batch(25))

    page = client.get("/items/", headers=auth_headers(member)).json()

    assert set(page) == {"items", "total", "limit", "offset"}
    assert [item["id"] for item in page["items"]] == ids[:20]
    assert (page["total"], page["limit"], page["offset"]) == (25, 20, 0)


def test_pages_neither_overlap_nor_skip(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    ids = sorted(item.id for item in ItemFactory.create_batch(7))

    seen = []
    for offset in (0, 3, 6):
        page = client.get(
            "/items/", params={"limit": 3, "offset": offset}, headers=auth_headers(member)
        ).json()
        seen += [item["id"] for item in page["items"]]

    assert seen == ids


@pytest.mark.parametrize(
    ("params", "status"),
    [
        pytest.param({"limit": 1}, 200, id="limit 1"),
        pytest.param({"limit": 100}, 200, id="limit 100"),
        pytest.param({"offset": 0}, 200, id="offset 0"),
        pytest.param({"limit": 0}, 422, id="limit 0"),
        pytest.param({"limit": 101}, 422, id="limit 101"),
        pytest.param({"offset": -1}, 422, id="offset -1"),
        pytest.param({"q": "x" * 101}, 422, id="query of 101"),
    ],
)
def test_paging_bounds(
    client: TestClient,
    member: User,
    auth_headers: HeadersFor,
    params: dict[str, Any],
    status: int,
) -> None:
    assert client.get("/items/", params=params, headers=auth_headers(member)).status_code == status


@pytest.mark.parametrize(
    ("q", "expected"),
    [("LAMP", ["Desk lamp", "Lamp shade"]), ("50%", ["50% off"]), ("a_b", ["a_b"])],
    ids=["any case", "percent literal", "underscore literal"],
)
def test_the_name_filter_is_case_insensitive_and_literal(
    client: TestClient, member: User, auth_headers: HeadersFor, q: str, expected: list[str]
) -> None:
    for name in ("Desk lamp", "Lamp shade", "50% off", "500 off", "a_b", "axb"):
        ItemFactory(name=name)

    page = client.get("/items/", params={"q": q}, headers=auth_headers(member)).json()

    assert sorted(item["name"] for item in page["items"]) == expected
    assert page["total"] == len(expected)


# --- one item ---------------------------------------------------------------------------


def test_any_signed_in_user_may_read_an_item(
    client: TestClient, member: User, other_member: User, auth_headers: HeadersFor
) -> None:
    # Reading follows the listing, which shows every item; only changes are owner-or-admin.
    item = ItemFactory(owner=other_member, price=Decimal("3.10"))

    response = client.get(f"/items/{item.id}", headers=auth_headers(member))

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["price"]) == (item.id, "3.10")


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_an_unknown_item_is_not_found(
    client: TestClient, admin: User, auth_headers: HeadersFor, method: str
) -> None:
    response = client.request(method, "/items/999999", json={}, headers=auth_headers(admin))

    assert (response.status_code, response.json()) == (404, {"detail": "Item not found"})


@pytest.mark.parametrize("item_id", ["abc", "0", str(2**63)])
def test_an_item_id_that_is_not_a_positive_64_bit_integer_is_refused(
    client: TestClient, member: User, auth_headers: HeadersFor, item_id: str
) -> None:
    assert client.get(f"/items/{item_id}", headers=auth_headers(member)).status_code == 422


@pytest.mark.parametrize("editor", ["owner", "admin"])
def test_the_owner_or_an_admin_may_change_an_item(
    client: TestClient,
    member: User,
    admin: User,
    auth_headers: HeadersFor,
    editor: str,
) -> None:
    item = ItemFactory(owner=member, name="Desk lamp", description="Brass")

    response = client.patch(
        f"/items/{item.id}",
        json={"price": "20"},
        headers=auth_headers(member if editor == "owner" else admin),
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["description"], body["price"]) == ("Desk lamp", "Brass", "20.00")


@pytest.mark.parametrize(
    ("method", "body"),
    [("PATCH", {"name": "Mine now"}), ("DELETE", None)],
    ids=["change", "delete"],
)
def test_another_member_may_not_change_or_delete_an_item(
    client: TestClient,
    db_session: Session,
    member: User,
    other_member: User,
    auth_headers: HeadersFor,
    method: str,
    body: dict[str, str] | None,
) -> None:
    item = ItemFactory(owner=member, name="Desk lamp")

    response = client.request(
        method, f"/items/{item.id}", json=body, headers=auth_headers(other_member)
    )

    assert (response.status_code, response.json()) == (403, {"detail": "Not enough permissions"})
    assert db_session.scalar(select(Item.name).where(Item.id == item.id)) == "Desk lamp"


def test_renaming_onto_another_of_the_owners_items_is_a_conflict(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    ItemFactory(owner=member, name="Floor lamp")
    item = ItemFactory(owner=member, name="Desk lamp")

    response = client.patch(
        f"/items/{item.id}", json={"name": "Floor lamp"}, headers=auth_headers(member)
    )

    assert response.status_code == 409


@pytest.mark.parametrize("field", ["name", "price"])
def test_an_explicit_null_for_a_required_field_is_refused(
    client: TestClient, member: User, auth_headers: HeadersFor, field: str
) -> None:
    item = ItemFactory(owner=member)

    response = client.patch(f"/items/{item.id}", json={field: None}, headers=auth_headers(member))

    assert response.status_code == 422


@pytest.mark.parametrize("deleter", ["owner", "admin"])
def test_the_owner_or_an_admin_may_delete_an_item(
    client: TestClient,
    db_session: Session,
    member: User,
    admin: User,
    auth_headers: HeadersFor,
    deleter: str,
) -> None:
    item = ItemFactory(owner=member)

    response = client.delete(
        f"/items/{item.id}", headers=auth_headers(member if deleter == "owner" else admin)
    )

    assert (response.status_code, response.content) == (204, b"")
    assert _item_count(db_session) == 0
