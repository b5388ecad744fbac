"""A write that fails leaves every table as it was: validation, conflicts, and faults injected
in the middle of a service, after its rows were already flushed to the database.

Each test snapshots every table (tests/support/db_snapshot.py) before the failing request and
compares after it. The rollback under test is the request session's: it joins the test's transaction
through a SAVEPOINT, so "unchanged" means the request's own work was undone, not the test's.
"""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.database import get_db
from app.http_errors import DATABASE_UNAVAILABLE
from app.models import Item, User
from app.services import items as item_service
from tests.harness.types import HeadersFor
from tests.support.db_snapshot import row_counts, snapshot
from tests.support.factories import ItemFactory, UserFactory


class Scene:
    """An admin, a member owning one item, and each write the API offers, ready to send."""

    def __init__(self, auth_headers: HeadersFor) -> None:
        self.admin: User = UserFactory(admin=True)
        self.member: User = UserFactory()
        self.item: Item = ItemFactory(owner=self.member, name="Desk lamp")
        self.as_member = auth_headers(self.member)
        self.as_admin = auth_headers(self.admin)

    def writes(self) -> dict[str, tuple[str, str, dict[str, Any]]]:
        return {
            "register": ("POST", "/users/", {"json": _registration("newcomer")}),
            "create item": (
                "POST",
                "/items/",
                {"json": {"name": "Armchair", "price": "99.00"}, "headers": self.as_member},
            ),
            "change item": (
                "PATCH",
                f"/items/{self.item.id}",
                {"json": {"name": "Floor lamp", "price": "5.00"}, "headers": self.as_member},
            ),
            "delete item": ("DELETE", f"/items/{self.item.id}", {"headers": self.as_member}),
            "promote user": (
                "PATCH",
                f"/admin/users/{self.member.id}",
                {"json": {"role": "admin", "is_active": False}, "headers": self.as_admin},
            ),
        }


WRITES = ["register", "create item", "change item", "delete item", "promote user"]


def _registration(username: str) -> dict[str, str]:
    return {"email": f"{username}@example.com", "username": username, "password": "pw-long-1"}


@pytest.fixture
def scene(db_session: Session, auth_headers: HeadersFor) -> Scene:
    return Scene(auth_headers)


def _send(client: TestClient, scene: Scene, write: str) -> Any:
    method, url, kwargs = scene.writes()[write]
    return client.request(method, url, **kwargs)


# --- refused writes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        pytest.param("POST", "/users/", {"email": "bad", "username": "x"}, id="registration"),
        pytest.param("POST", "/items/", {"name": "Lamp", "price": "0"}, id="new item"),
        pytest.param("PATCH", "/items/{item}", {"price": "-1"}, id="item change"),
        pytest.param("PATCH", "/admin/users/{member}", {"role": "owner"}, id="admin change"),
    ],
)
def test_a_validation_failure_changes_nothing(
    client: TestClient,
    db_session: Session,
    scene: Scene,
    method: str,
    url: str,
    body: dict[str, str],
) -> None:
    before = snapshot(db_session)
    url = url.format(item=scene.item.id, member=scene.member.id)

    response = client.request(method, url, json=body, headers=scene.as_admin)

    assert response.status_code == 422, response.text
    assert snapshot(db_session) == before


def test_a_duplicate_registration_changes_nothing(
    client: TestClient, db_session: Session, scene: Scene
) -> None:
    before = snapshot(db_session)
    clash = _registration("someone_new") | {"email": scene.member.email}

    assert client.post("/users/", json=clash).status_code == 409
    assert snapshot(db_session) == before


@pytest.mark.parametrize(
    ("method", "path_for", "body"),
    [
        pytest.param("POST", lambda s: "/items/", {"price": "1.00"}, id="second item, same name"),
        pytest.param(
            "PATCH",
            lambda s: f"/items/{ItemFactory(owner=s.member, name='Other').id}",
            {"price": "3.00"},
            id="renamed onto an existing name",
        ),
    ],
)
def test_a_name_conflict_changes_nothing(
    client: TestClient,
    db_session: Session,
    scene: Scene,
    method: str,
    path_for: Callable[[Scene], str],
    body: dict[str, str],
) -> None:
    path = path_for(scene)
    before = snapshot(db_session)

    response = client.request(
        method, path, json={"name": "Desk lamp", **body}, headers=scene.as_member
    )

    assert response.status_code == 409, response.text
    assert snapshot(db_session) == before


def test_when_only_the_unique_constraint_catches_a_clash_nothing_changes(
    client: TestClient, db_session: Session, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if a concurrent request inserted the name between our check and our insert.
    monkeypatch.setattr(item_service, "_ensure_name_free", lambda db, owner_id, name: None)
    before = snapshot(db_session)

    response = client.post(
        "/items/", json={"name": "Desk lamp", "price": "2.00"}, headers=scene.as_member
    )

    assert response.status_code == 409, response.text
    assert snapshot(db_session) == before


def test_an_admin_demoting_themself_changes_nothing(
    client: TestClient, db_session: Session, scene: Scene
) -> None:
    before = snapshot(db_session)

    response = client.patch(
        f"/admin/users/{scene.admin.id}",
        json={"role": "member", "is_active": False},
        headers=scene.as_admin,
    )

    assert response.status_code == 409
    assert snapshot(db_session) == before


# --- faults injected mid-service -----------------------------------------------------------------


def _commit_that_dies_after_flushing(exception: Exception) -> Callable[[Session], None]:
    def commit(self: Session) -> None:
        # The rows reach the database first, so only a real rollback can undo them.
        self.flush()
        raise exception

    return commit


@pytest.fixture
def lenient_client(make_client: Callable[..., TestClient]) -> TestClient:
    """Answers 500 instead of raising, to see what a caller sees for an unexpected error."""
    return make_client(raise_server_exceptions=False)


@pytest.mark.parametrize("write", WRITES)
def test_a_database_failure_mid_write_is_503_and_changes_nothing(
    client: TestClient,
    db_session: Session,
    scene: Scene,
    monkeypatch: pytest.MonkeyPatch,
    write: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = snapshot(db_session)
    lost = OperationalError("COMMIT", {}, ConnectionResetError("server closed the connection"))
    monkeypatch.setattr(Session, "commit", _commit_that_dies_after_flushing(lost))

    response = _send(client, scene, write)

    monkeypatch.undo()
    assert response.status_code == 503, response.text
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}
    assert response.headers["Retry-After"] == "5"
    assert snapshot(db_session) == before
    # The answer says only "try again later"; the log keeps what the driver said.
    assert [r.getMessage() for r in caplog.records if r.name == "app.http_errors"] == [
        "database unavailable: ConnectionResetError('server closed the connection')"
    ]


@pytest.mark.parametrize("write", WRITES)
def test_an_unexpected_error_mid_write_is_500_and_changes_nothing(
    lenient_client: TestClient,
    db_session: Session,
    scene: Scene,
    monkeypatch: pytest.MonkeyPatch,
    write: str,
) -> None:
    before = snapshot(db_session)
    monkeypatch.setattr(
        Session, "commit", _commit_that_dies_after_flushing(RuntimeError("injected fault"))
    )

    response = _send(lenient_client, scene, write)

    monkeypatch.undo()
    assert response.status_code == 500
    assert "injected fault" not in response.text, "internals never reach the caller"
    assert snapshot(db_session) == before


def test_the_service_works_normally_after_a_failed_write(
    client: TestClient, db_session: Session, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = OperationalError("COMMIT", {}, ConnectionResetError("gone"))
    monkeypatch.setattr(Session, "commit", _commit_that_dies_after_flushing(lost))
    assert _send(client, scene, "create item").status_code == 503
    monkeypatch.undo()

    assert _send(client, scene, "create item").status_code == 201
    assert row_counts(db_session)["items"] == 2


def test_the_production_session_dependency_rolls_back_when_the_request_fails(
    app: FastAPI, connection: Connection, db_session: Session
) -> None:
    # get_db itself, not the harness's override: its session must undo flushed work on error.
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")

    class _Request:
        method = "POST"

        class app:  # noqa: N801 - mimics request.app.state
            class state:  # noqa: N801
                writing_session_factory = factory

    before = row_counts(db_session)
    dependency = get_db(_Request())  # type: ignore[arg-type]
    session = next(dependency)
    session.add(User(email="x@example.com", username="ghost", hashed_password="x"))
    session.flush()

    with pytest.raises(RuntimeError):
        dependency.throw(RuntimeError("the route failed"))

    assert row_counts(db_session) == before
