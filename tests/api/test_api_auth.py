"""Logging in and being recognised: POST /token and the bearer check every route shares."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import Role, User
from app.security import create_access_token
from tests.harness.types import HeadersFor
from tests.support.factories import DEFAULT_PASSWORD, UserFactory
from tests.support.tokens import REJECTED_TOKENS

LOGIN_FAILED = {"detail": "Incorrect username or password"}
NOT_AUTHENTICATED = {"detail": "Not authenticated"}
BAD_CREDENTIALS = {"detail": "Could not validate credentials"}


def test_login_issues_a_bearer_token_that_works(client: TestClient, member: User) -> None:
    response = client.post(
        "/token", data={"username": member.username, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60
    me = client.get("/users/me/", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["id"] == member.id


@pytest.mark.parametrize(
    ("known", "password", "active"),
    [
        pytest.param(True, "wrong-password", True, id="wrong password"),
        pytest.param(False, DEFAULT_PASSWORD, True, id="unknown user"),
        pytest.param(True, DEFAULT_PASSWORD, False, id="deactivated user"),
    ],
)
def test_every_failed_login_looks_the_same(
    client: TestClient, known: bool, password: str, active: bool
) -> None:
    # Factory usernames are never reused, so the per-username login throttle stays out of it.
    user = UserFactory(is_active=active) if known else UserFactory.build()

    response = client.post("/token", data={"username": user.username, "password": password})

    assert response.status_code == 401
    assert response.json() == LOGIN_FAILED
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_login_without_a_password_is_a_validation_error(client: TestClient) -> None:
    assert client.post("/token", data={"username": "alice"}).status_code == 422


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no header"),
        pytest.param({"Authorization": "Basic YWxpY2U6c2VjcmV0"}, id="basic scheme"),
        pytest.param({"Authorization": "Bearer "}, id="empty bearer"),
    ],
)
def test_a_request_without_a_bearer_token_is_not_authenticated(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/users/me/", headers=headers)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert response.headers["WWW-Authenticate"] == "Bearer"


# Every reason is covered on decode_access_token (test_security); here, one of each kind.
OVER_HTTP = (
    "not a jwt",
    "expired",
    "signed with another secret",
    "alg none",
    "no exp",
    "sub not numeric",
)


@pytest.mark.parametrize("reason", OVER_HTTP)
def test_a_bad_token_cannot_validate_credentials(
    client: TestClient, test_settings: Settings, member: User, reason: str
) -> None:
    token = REJECTED_TOKENS[reason](test_settings)

    response = client.get("/users/me/", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json() == BAD_CREDENTIALS
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_deleted_users_token_is_refused(
    client: TestClient, db_session: Session, member: User, test_settings: Settings
) -> None:
    token = create_access_token(member.id, test_settings).access_token
    db_session.delete(member)
    db_session.commit()

    response = client.get("/users/me/", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json() == BAD_CREDENTIALS


def test_a_deactivated_users_token_is_refused(
    client: TestClient, db_session: Session, member: User, auth_headers: HeadersFor
) -> None:
    headers = auth_headers(member)
    member.is_active = False
    db_session.commit()

    response = client.get("/users/me/", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_role_is_read_from_the_database_on_every_request(
    client: TestClient, db_session: Session, member: User, auth_headers: HeadersFor
) -> None:
    headers = auth_headers(member)
    assert client.get("/admin/users/", headers=headers).status_code == 403

    member.role = Role.ADMIN
    db_session.commit()

    assert client.get("/admin/users/", headers=headers).status_code == 200
