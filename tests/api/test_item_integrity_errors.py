"""An item write the database refuses is reported for what it broke, not always as a duplicate.

Only the unique constraint on (owner, name) is "You already have an item with this name" (409).
A foreign-key violation means the owner's account was deleted while the request ran: the token
stands for nobody any more (401, as for any token of a deleted account). Anything else is not
a conflict the caller caused: it reaches the database error handler (503, logged).
"""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import Violation, violation_of
from app.errors import AuthenticationError
from app.models import Item, User
from app.schemas import ItemCreate
from app.services import items as service
from tests.harness.types import HeadersFor

MISSING_ID = 987_654_321


def _lamp() -> ItemCreate:
    return ItemCreate.model_validate({"name": "Desk lamp", "price": "12.50"})


def test_an_item_for_an_owner_who_no_longer_exists_is_not_a_duplicate(
    db_session: Session,
) -> None:
    ghost = User(id=MISSING_ID, username="ghost", email="ghost@example.com")

    with pytest.raises(AuthenticationError):
        service.create_item(db_session, _lamp(), ghost)

    assert db_session.scalar(select(func.count(Item.id))) == 0


def test_an_owner_deleted_while_offering_an_item_is_asked_to_sign_in(
    client: TestClient,
    db_session: Session,
    member: User,
    auth_headers: HeadersFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    check: Callable[..., None] = service._ensure_name_free

    def owner_deleted_meanwhile(db: Session, owner_id: int, name: str) -> None:
        check(db, owner_id, name)
        # As if an operator removed the account between the check and the insert.
        db.execute(delete(User).where(User.id == owner_id))

    monkeypatch.setattr(service, "_ensure_name_free", owner_deleted_meanwhile)
    headers = auth_headers(member)

    response = client.post("/items/", json={"name": "Desk lamp", "price": "1.00"}, headers=headers)

    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Could not validate credentials"}
    assert db_session.scalar(select(func.count(Item.id))) == 0


def test_any_other_refusal_is_left_to_the_database_error_handler(
    db_session: Session, member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = IntegrityError("INSERT ...", {}, _DriverError(sqlstate="23514"))  # a CHECK

    def commit() -> None:
        raise refused

    monkeypatch.setattr(db_session, "commit", commit)

    with pytest.raises(IntegrityError) as raised:
        service.create_item(db_session, _lamp(), member)
    assert raised.value is refused


class _DriverError(Exception):
    def __init__(self, **attributes: Any) -> None:
        super().__init__("refused")
        self.__dict__.update(attributes)


@pytest.mark.parametrize(
    ("attributes", "violation"),
    [
        pytest.param({"sqlstate": "23505"}, Violation.UNIQUE, id="PostgreSQL unique"),
        pytest.param({"sqlstate": "23503"}, Violation.FOREIGN_KEY, id="PostgreSQL foreign key"),
        pytest.param({"sqlstate": "23502"}, Violation.OTHER, id="PostgreSQL not null"),
        pytest.param(
            {"sqlite_errorname": "SQLITE_CONSTRAINT_UNIQUE"}, Violation.UNIQUE, id="SQLite unique"
        ),
        pytest.param(
            {"sqlite_errorname": "SQLITE_CONSTRAINT_PRIMARYKEY"},
            Violation.UNIQUE,
            id="SQLite primary key",
        ),
        pytest.param(
            {"sqlite_errorname": "SQLITE_CONSTRAINT_FOREIGNKEY"},
            Violation.FOREIGN_KEY,
            id="SQLite foreign key",
        ),
        pytest.param(
            {"sqlite_errorname": "SQLITE_CONSTRAINT_NOTNULL"}, Violation.OTHER, id="SQLite not null"
        ),
        pytest.param({}, Violation.OTHER, id="another driver"),
    ],
)
def test_violations_are_told_apart_on_every_engine(
    attributes: dict[str, str], violation: Violation
) -> None:
    error = IntegrityError("INSERT ...", {}, _DriverError(**attributes))
    assert violation_of(error) is violation
