"""The harness itself: every test starts from an empty database, whatever ran before."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Item, User
from tests.support.factories import DEFAULT_PASSWORD, ItemFactory, UserFactory


def _counts(db: Session) -> tuple[int, int]:
    return db.scalar(select(func.count(User.id))) or 0, db.scalar(select(func.count(Item.id))) or 0


@pytest.mark.parametrize("run", range(3))
def test_each_test_starts_empty_even_after_commits(
    db_session: Session, client: TestClient, run: int
) -> None:
    assert _counts(db_session) == (0, 0)
    ItemFactory.create_batch(2)
    response = client.post(
        "/users/",
        json={
            "email": f"run{run}@example.com",
            "username": f"run_{run}",
            "password": "long-enough",
        },
    )
    assert response.status_code == 201, response.text
    assert _counts(db_session) == (3, 2)


def test_a_failed_request_rolls_back_to_its_savepoint_only(
    db_session: Session, client: TestClient
) -> None:
    UserFactory(username="taken", email="taken@example.com")
    duplicate = {"email": "taken@example.com", "username": "other", "password": "long-enough"}
    assert client.post("/users/", json=duplicate).status_code == 409
    assert _counts(db_session) == (1, 0)


def test_factory_users_can_log_in(client: TestClient) -> None:
    user = UserFactory()
    response = client.post("/token", data={"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.text


def test_harness_tokens_are_accepted(client: TestClient, auth_headers) -> None:
    admin = UserFactory(admin=True)
    response = client.get("/users/me/", headers=auth_headers(admin))
    assert response.json()["role"] == "admin"
