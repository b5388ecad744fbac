"""The harness itself: every test starts from an empty database, whatever ran before."""

import httpx
import pytest
import respx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Item, User
from tests.harness.settings import CATALOG_BASE_URL
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


def test_requests_get_sessions_on_the_test_connection(
    app: FastAPI, client: TestClient, connection: Connection
) -> None:
    for factory in (app.state.session_factory, app.state.writing_session_factory):
        with factory() as session:
            assert session.connection().engine is connection.engine
            assert session.get_bind() is connection


def test_outside_a_client_test_the_app_has_its_own_session_factories(app: FastAPI) -> None:
    # Run in random order after a test that used `client`: its binding must not have leaked.
    for factory in (app.state.session_factory, app.state.writing_session_factory):
        assert isinstance(factory, sessionmaker)
        assert factory.kw["bind"] is not None


@pytest.mark.parametrize("run", range(2))
def test_each_test_starts_with_no_catalog_routes_or_calls(
    catalog_mock: respx.MockRouter, run: int
) -> None:
    # The router is shared by the run (`catalog_router`); whichever runs second proves the
    # first one's route and call were rolled back.
    assert (len(catalog_mock.routes), catalog_mock.calls.call_count) == (0, 0)
    catalog_mock.get("/items/x").respond(200, json={"run": run})
    assert httpx.get(f"{CATALOG_BASE_URL}/items/x").json() == {"run": run}
