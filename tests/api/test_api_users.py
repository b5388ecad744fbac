"""POST /users/, GET /users/me/ and GET /users/{id}: who may see what about whom."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import User
from tests.harness.types import HeadersFor
from tests.support.factories import UserFactory

NEW_USER = {"email": "carol@example.com", "username": "carol", "password": "long-enough"}
PUBLIC_FIELDS = {"id", "username", "full_name"}
ADMIN_FIELDS = PUBLIC_FIELDS | {"email", "role", "is_active", "created_at"}


def _user_count(db: Session) -> int:
    return db.scalar(select(func.count(User.id))) or 0


def test_registration_creates_a_member_and_never_echoes_the_password(
    client: TestClient, db_session: Session
) -> None:
    response = client.post("/users/", json={**NEW_USER, "full_name": "Carol D"})

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == ADMIN_FIELDS
    assert (body["username"], body["role"], body["is_active"]) == ("carol", "member", True)
    assert body["created_at"].endswith("Z")
    assert "long-enough" not in response.text


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"username": "ab"}, id="short username"),
        pytest.param({"username": "Carol"}, id="upper-case username"),
        pytest.param({"email": "carol"}, id="bad email"),
        pytest.param({"password": "short"}, id="short password"),
        pytest.param({"role": "admin"}, id="role"),
        pytest.param({"id": 99}, id="id"),
        pytest.param({"is_active": False}, id="is_active"),
    ],
)
def test_an_invalid_or_privileged_registration_is_refused_and_creates_nothing(
    client: TestClient, db_session: Session, changes: dict[str, Any]
) -> None:
    response = client.post("/users/", json={**NEW_USER, **changes})

    assert response.status_code == 422
    assert _user_count(db_session) == 0


@pytest.mark.parametrize(
    "clash",
    [
        pytest.param({"email": "CAROL@example.com"}, id="email"),
        pytest.param({"username": "carol"}, id="username"),
    ],
)
def test_registering_a_taken_email_or_username_is_a_conflict(
    client: TestClient, db_session: Session, clash: dict[str, str]
) -> None:
    UserFactory(username="carol", email="carol@example.com")
    body = {"email": "new@example.com", "username": "newbie", "password": "long-enough", **clash}

    response = client.post("/users/", json=body)

    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


def test_users_see_their_own_full_record(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    response = client.get("/users/me/", headers=auth_headers(member))

    assert response.status_code == 200
    assert response.json()["email"] == member.email
    assert set(response.json()) == ADMIN_FIELDS


def test_a_member_sees_only_the_public_fields_of_someone_else(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    other = UserFactory(full_name="Bob Other")

    response = client.get(f"/users/{other.id}", headers=auth_headers(member))

    assert response.json() == {"id": other.id, "username": other.username, "full_name": "Bob Other"}


def test_an_admin_sees_every_field(
    client: TestClient, admin: User, member: User, auth_headers: HeadersFor
) -> None:
    response = client.get(f"/users/{member.id}", headers=auth_headers(admin))

    body = response.json()
    assert set(body) == ADMIN_FIELDS
    assert (body["email"], body["role"], body["is_active"]) == (member.email, "member", True)


@pytest.mark.parametrize(("viewer", "status"), [("member", 404), ("admin", 200)])
def test_a_deactivated_user_is_hidden_from_members_but_not_admins(
    client: TestClient, auth_headers: HeadersFor, viewer: str, status: int
) -> None:
    hidden = UserFactory(inactive=True)
    caller = UserFactory(admin=viewer == "admin")

    response = client.get(f"/users/{hidden.id}", headers=auth_headers(caller))

    assert response.status_code == status


def test_an_unknown_user_is_not_found(
    client: TestClient, member: User, auth_headers: HeadersFor
) -> None:
    response = client.get("/users/999999", headers=auth_headers(member))

    assert (response.status_code, response.json()) == (404, {"detail": "User not found"})


@pytest.mark.parametrize("user_id", ["abc", "1.5", "0", "-1", str(2**63)])
def test_a_user_id_that_is_not_a_positive_64_bit_integer_is_refused(
    client: TestClient, member: User, auth_headers: HeadersFor, user_id: str
) -> None:
    assert client.get(f"/users/{user_id}", headers=auth_headers(member)).status_code == 422


def test_looking_up_users_needs_a_token(client: TestClient, member: User) -> None:
    assert client.get(f"/users/{member.id}").status_code == 401
