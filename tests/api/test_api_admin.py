"""GET /admin/users/ and PATCH /admin/users/{id}: admins manage roles and accounts."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Role, User
from tests.harness.types import HeadersFor
from tests.support.factories import DEFAULT_PASSWORD, UserFactory


def test_an_admin_lists_every_user_a_page_at_a_time(
    client: TestClient, admin: User, auth_headers: HeadersFor
) -> None:
    others = UserFactory.create_batch(4)
    expected_ids = sorted([admin.id, *(user.id for user in others)])

    first = client.get("/admin/users/", params={"limit": 3}, headers=auth_headers(admin)).json()
    rest = client.get(
        "/admin/users/", params={"limit": 3, "offset": 3}, headers=auth_headers(admin)
    ).json()

    assert [user["id"] for user in first["items"] + rest["items"]] == expected_ids
    assert (first["total"], first["limit"], first["offset"]) == (5, 3, 0)
    assert "email" in first["items"][0]


def test_the_user_list_defaults_to_twenty(
    client: TestClient, admin: User, auth_headers: HeadersFor
) -> None:
    UserFactory.create_batch(21)

    page = client.get("/admin/users/", headers=auth_headers(admin)).json()

    assert (len(page["items"]), page["total"], page["limit"], page["offset"]) == (20, 22, 20, 0)


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "ten"}],
    ids=["limit 0", "limit 101", "offset -1", "limit not a number"],
)
def test_paging_outside_the_bounds_is_refused(
    client: TestClient, admin: User, auth_headers: HeadersFor, params: dict[str, Any]
) -> None:
    response = client.get("/admin/users/", params=params, headers=auth_headers(admin))
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("method", "path_for"),
    [
        pytest.param("GET", lambda user: "/admin/users/", id="list"),
        pytest.param("PATCH", lambda user: f"/admin/users/{user.id}", id="change"),
    ],
)
def test_members_may_not_administer_users(
    client: TestClient, member: User, auth_headers: HeadersFor, method: str, path_for: Any
) -> None:
    response = client.request(
        method, path_for(member), json={"role": "admin"}, headers=auth_headers(member)
    )

    assert (response.status_code, response.json()) == (403, {"detail": "Not enough permissions"})


def test_an_admin_promotes_a_member_who_then_has_admin_rights(
    client: TestClient, admin: User, member: User, auth_headers: HeadersFor
) -> None:
    response = client.patch(
        f"/admin/users/{member.id}", json={"role": "admin"}, headers=auth_headers(admin)
    )

    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert client.get("/admin/users/", headers=auth_headers(member)).status_code == 200


def test_a_deactivated_user_can_no_longer_log_in(
    client: TestClient, admin: User, member: User, auth_headers: HeadersFor
) -> None:
    response = client.patch(
        f"/admin/users/{member.id}", json={"is_active": False}, headers=auth_headers(admin)
    )
    login = client.post("/token", data={"username": member.username, "password": DEFAULT_PASSWORD})

    assert response.json()["is_active"] is False
    assert login.status_code == 401


@pytest.mark.parametrize(
    "changes", [{"role": "member"}, {"is_active": False}], ids=["demote", "deactivate"]
)
def test_an_admin_cannot_lock_themselves_out(
    client: TestClient,
    db_session: Session,
    admin: User,
    auth_headers: HeadersFor,
    changes: dict[str, Any],
) -> None:
    response = client.patch(f"/admin/users/{admin.id}", json=changes, headers=auth_headers(admin))

    assert response.status_code == 409
    db_session.refresh(admin)
    assert (admin.role, admin.is_active) == (Role.ADMIN, True)


def test_changing_an_unknown_user_is_not_found(
    client: TestClient, admin: User, auth_headers: HeadersFor
) -> None:
    response = client.patch(
        "/admin/users/999999", json={"role": "admin"}, headers=auth_headers(admin)
    )

    assert (response.status_code, response.json()) == (404, {"detail": "User not found"})


@pytest.mark.parametrize(
    "changes",
    [{"role": "owner"}, {"email": "x@example.com"}, {"is_active": "sometimes"}],
    ids=["unknown role", "other field", "not a boolean"],
)
def test_an_admin_may_only_set_a_known_role_and_a_boolean_status(
    client: TestClient, admin: User, member: User, auth_headers: HeadersFor, changes: dict[str, Any]
) -> None:
    response = client.patch(f"/admin/users/{member.id}", json=changes, headers=auth_headers(admin))
    assert response.status_code == 422
