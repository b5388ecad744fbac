"""Mass assignment (OWASP API3): fields a client must never set are refused, and nothing changes.

Request bodies forbid unknown fields, so smuggling `role`, `owner_id`, `id`, `is_active` or
`created_at` is a 422 naming the field; the data is compared row for row before and after.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Item, Role, User
from tests.harness.types import HeadersFor
from tests.support.db_snapshot import snapshot
from tests.support.factories import ItemFactory, UserFactory

SMUGGLED: dict[str, Any] = {
    "role": "admin",
    "owner_id": 1,
    "id": 999,
    "is_active": False,
    "created_at": "2000-01-01T00:00:00Z",
    "hashed_password": "$argon2id$v=19$m=8,t=1,p=1$forged",
}

REGISTRATION = {"email": "mallory@example.com", "username": "mallory", "password": "pw-long-1"}
NEW_ITEM = {"name": "Desk lamp", "price": "12.50"}


def _refused_field(response_json: dict[str, Any]) -> list[Any]:
    return [error["loc"][-1] for error in response_json["detail"]]


@pytest.mark.parametrize("field", sorted(SMUGGLED))
def test_registration_cannot_set_protected_fields(
    client: TestClient, db_session: Session, field: str
) -> None:
    before = snapshot(db_session)

    response = client.post("/users/", json={**REGISTRATION, field: SMUGGLED[field]})

    assert response.status_code == 422, response.text
    assert _refused_field(response.json()) == [field]
    assert snapshot(db_session) == before


def test_a_clean_registration_is_always_an_active_member(client: TestClient) -> None:
    response = client.post("/users/", json=REGISTRATION)
    assert response.status_code == 201, response.text
    assert (response.json()["role"], response.json()["is_active"]) == ("member", True)


@pytest.mark.parametrize("field", ["owner_id", "id", "created_at", "role", "is_active"])
def test_creating_an_item_cannot_set_protected_fields(
    client: TestClient, db_session: Session, auth_headers: HeadersFor, field: str
) -> None:
    member, victim = UserFactory(), UserFactory()
    value = victim.id if field == "owner_id" else SMUGGLED[field]
    before = snapshot(db_session)

    response = client.post("/items/", json={**NEW_ITEM, field: value}, headers=auth_headers(member))

    assert response.status_code == 422, response.text
    assert _refused_field(response.json()) == [field]
    assert snapshot(db_session) == before


@pytest.mark.parametrize("field", ["owner_id", "id", "created_at"])
def test_changing_an_item_cannot_set_protected_fields(
    client: TestClient, db_session: Session, auth_headers: HeadersFor, field: str
) -> None:
    item: Item = ItemFactory()
    thief: User = UserFactory()
    value = thief.id if field == "owner_id" else SMUGGLED[field]
    before = snapshot(db_session)

    response = client.patch(
        f"/items/{item.id}", json={"price": "1.00", field: value}, headers=auth_headers(item.owner)
    )

    assert response.status_code == 422, response.text
    assert snapshot(db_session) == before, "even the allowed part of a refused body is not applied"


@pytest.mark.parametrize("field", ["id", "created_at", "email", "username", "hashed_password"])
def test_an_admin_update_changes_only_role_and_active(
    client: TestClient, db_session: Session, auth_headers: HeadersFor, field: str
) -> None:
    admin: User = UserFactory(admin=True)
    target: User = UserFactory()
    value = SMUGGLED.get(field, "taken-over@example.com" if field == "email" else "taken_over")
    before = snapshot(db_session)

    response = client.patch(
        f"/admin/users/{target.id}",
        json={"role": Role.ADMIN.value, field: value},
        headers=auth_headers(admin),
    )

    assert response.status_code == 422, response.text
    assert snapshot(db_session) == before
