"""Where SQLite and PostgreSQL differ, the service must not: these run on whichever engine
TEST_DATABASE_URL selects, and CI runs them on both.

- a unique-constraint violation is a 409, never a 500 (and leaves the transaction usable);
- the name filter ignores case the same way, accented letters included;
- prices keep exactly two decimal places, from 0.01 to 1,000,000.00;
- timestamps come back timezone-aware UTC, whatever the session's time zone.
"""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from app.models import Item, User
from app.services import items as items_service
from app.services import users as users_service
from app.services.items import DUPLICATE_NAME
from app.services.users import DUPLICATE_USER
from tests.harness.databases import is_postgres, target_url
from tests.support.factories import ItemFactory, UserFactory


def _count(db: Session, model: type[Item] | type[User]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


# -- unique constraints ---------------------------------------------------------------------


@pytest.fixture
def without_prechecks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take away the friendly pre-checks, as a concurrent writer would by winning the race
    between check and insert: the database's unique constraint is then the only guard."""
    monkeypatch.setattr(items_service, "_ensure_name_free", lambda *_: None)
    monkeypatch.setattr(users_service, "_ensure_available", lambda *_: None)


@pytest.mark.usefixtures("without_prechecks")
@pytest.mark.parametrize(
    "clash",
    [
        pytest.param({"email": "taken@example.com", "username": "someone_else"}, id="email"),
        pytest.param({"email": "other@example.com", "username": "taken"}, id="username"),
    ],
)
def test_a_duplicate_registration_is_a_409_from_the_constraint(
    client: TestClient, db_session: Session, clash: dict[str, str]
) -> None:
    UserFactory(username="taken", email="taken@example.com")

    response = client.post("/users/", json={**clash, "password": "long-enough-pass"})

    assert response.status_code == 409, response.text
    assert response.json() == {"detail": DUPLICATE_USER}
    # PostgreSQL aborts a transaction on error; the rollback to the savepoint must undo that.
    assert _count(db_session, User) == 1


@pytest.mark.usefixtures("without_prechecks")
def test_a_duplicate_item_name_is_a_409_from_the_constraint(
    client: TestClient, db_session: Session, auth_headers
) -> None:
    owner = UserFactory()
    ItemFactory(owner=owner, name="Desk lamp")

    response = client.post(
        "/items/", json={"name": "Desk lamp", "price": "10.00"}, headers=auth_headers(owner)
    )

    assert response.status_code == 409, response.text
    assert response.json() == {"detail": DUPLICATE_NAME}
    assert _count(db_session, Item) == 1


@pytest.mark.usefixtures("without_prechecks")
def test_renaming_onto_an_existing_name_is_a_409_from_the_constraint(
    client: TestClient, db_session: Session, auth_headers
) -> None:
    owner = UserFactory()
    ItemFactory(owner=owner, name="Desk lamp")
    other = ItemFactory(owner=owner, name="Floor lamp")

    response = client.patch(
        f"/items/{other.id}", json={"name": "Desk lamp"}, headers=auth_headers(owner)
    )

    assert response.status_code == 409, response.text
    db_session.expire_all()
    assert db_session.get(Item, other.id).name == "Floor lamp"  # type: ignore[union-attr]


def test_item_names_are_unique_per_owner_with_case_significant(
    client: TestClient, auth_headers
) -> None:
    owner = UserFactory()
    headers = auth_headers(owner)

    statuses = [
        client.post("/items/", json={"name": name, "price": "1.00"}, headers=headers).status_code
        for name in ("Desk lamp", "desk lamp", "DESK LAMP", "Desk lamp")
    ]

    assert statuses == [201, 201, 201, 409]


def test_two_owners_may_use_the_same_item_name(client: TestClient, auth_headers) -> None:
    for owner in (UserFactory(), UserFactory()):
        response = client.post(
            "/items/", json={"name": "Desk lamp", "price": "1.00"}, headers=auth_headers(owner)
        )
        assert response.status_code == 201, response.text


# -- id range -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/items/{id}", "/users/{id}"])
@pytest.mark.parametrize("missing_id", [2**31, 2**63 - 1])
def test_ids_beyond_32_bits_are_not_found_rather_than_a_database_error(
    client: TestClient, auth_headers, path: str, missing_id: int
) -> None:
    """PostgreSQL's INTEGER is 32-bit; the API promises 64-bit ids, so the keys are BIGINT."""
    response = client.get(path.format(id=missing_id), headers=auth_headers(UserFactory()))

    assert response.status_code == 404, response.text


def test_a_64_bit_id_is_stored_and_found(client: TestClient, auth_headers) -> None:
    owner = UserFactory(id=2**40)
    item = ItemFactory(id=2**62, owner=owner)

    response = client.get(f"/items/{item.id}", headers=auth_headers(owner))

    assert response.status_code == 200, response.text
    assert response.json()["owner_id"] == 2**40


# -- text length ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        pytest.param("é" * 100, 201, id="100-characters-fit"),
        # U+0958 decomposes under NFC into two code points: 100 of them are 200 once stored,
        # and the schema allows them (a limit on the stored form no client could read there).
        pytest.param("\u0958" * 100, 201, id="100-that-normalise-to-200-fit"),
        # U+FB2C becomes three: the most NFC makes of one character (UAX #15).
        pytest.param("\ufb2c" * 100, 201, id="100-that-normalise-to-300-fit"),
    ],
)
def test_names_are_measured_as_stored(
    client: TestClient, db_session: Session, auth_headers, name: str, status: int
) -> None:
    """SQLite would store any length in VARCHAR(n); PostgreSQL raises, which was a 500: the
    column holds the longest NFC form of a name the schema allows (app/models.py)."""
    response = client.post(
        "/items/", json={"name": name, "price": "1.00"}, headers=auth_headers(UserFactory())
    )

    assert response.status_code == status, response.text
    assert _count(db_session, Item) == (1 if status == 201 else 0)


# -- case in the name filter ----------------------------------------------------------------


@pytest.fixture
def catalogue(client: TestClient, auth_headers) -> dict[str, str]:
    owner = UserFactory()
    for name in ("Desk LAMP", "lampshade", "Floor Lamp", "Kettle", "ÄPFEL crate", "Crème brûlée"):
        ItemFactory(owner=owner, name=name)
    return auth_headers(owner)


def _names(client: TestClient, headers: dict[str, str], q: str) -> set[str]:
    response = client.get("/items/", params={"q": q, "limit": 100}, headers=headers)
    assert response.status_code == 200, response.text
    return {item["name"] for item in response.json()["items"]}


@pytest.mark.parametrize("q", ["lamp", "LAMP", "LaMp"])
def test_the_name_filter_ignores_case(
    client: TestClient, catalogue: dict[str, str], q: str
) -> None:
    assert _names(client, catalogue, q) == {"Desk LAMP", "lampshade", "Floor Lamp"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param("äpfel", {"ÄPFEL crate"}, id="umlaut-lower-finds-upper"),
        pytest.param("CRÈME BRÛLÉE", {"Crème brûlée"}, id="accents-upper-finds-lower"),
    ],
)
def test_the_name_filter_ignores_case_beyond_ascii(
    client: TestClient, catalogue: dict[str, str], q: str, expected: set[str]
) -> None:
    assert _names(client, catalogue, q) == expected


def test_lower_folds_every_letter_and_leaves_null_alone(db_session: Session) -> None:
    # What the filter relies on: SQLite is given a lower() that folds as PostgreSQL's does.
    folded = db_session.execute(text("SELECT lower('ÄPFEL Crème ß'), lower(NULL)")).one()
    assert tuple(folded) == ("äpfel crème ß", None)


@pytest.mark.parametrize("q", ["%", "_", "/"])
def test_like_wildcards_in_the_filter_match_only_themselves(
    client: TestClient, catalogue: dict[str, str], q: str
) -> None:
    ItemFactory(name=f"100{q} wool")

    assert _names(client, catalogue, q) == {f"100{q} wool"}


# -- decimal precision ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "answered"),
    [
        ("0.01", "0.01"),
        ("999999.99", "999999.99"),
        ("1000000", "1000000.00"),
        ("12.5", "12.50"),
        (0.1, "0.10"),
        (19.99, "19.99"),
    ],
)
def test_prices_round_trip_exactly(
    client: TestClient, db_session: Session, auth_headers, sent: str | float, answered: str
) -> None:
    headers = auth_headers(UserFactory())

    created = client.post("/items/", json={"name": "Thing", "price": sent}, headers=headers)
    assert created.status_code == 201, created.text
    reread = client.get(f"/items/{created.json()['id']}", headers=headers)

    assert created.json()["price"] == answered
    assert reread.json()["price"] == answered
    stored = db_session.execute(text("SELECT price FROM items")).scalar_one()
    assert stored == int(Decimal(answered) * 100)


def test_sums_of_prices_are_exact_in_the_database(db_session: Session) -> None:
    owner = UserFactory()
    for n in range(10):
        ItemFactory(owner=owner, name=f"Coin {n}", price=Decimal("0.10"))

    total_cents = db_session.execute(text("SELECT sum(price) FROM items")).scalar_one()

    # Ten binary-float dimes make 0.9999999999999999; ten stored cents make exactly 100.
    assert total_cents == 100


# -- time zones -----------------------------------------------------------------------------


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def test_timestamps_in_responses_are_utc(client: TestClient, auth_headers) -> None:
    headers = auth_headers(UserFactory())
    before = datetime.now(UTC)

    created = client.post("/items/", json={"name": "Thing", "price": "1.00"}, headers=headers)
    reread = client.get(f"/items/{created.json()['id']}", headers=headers).json()["created_at"]

    assert created.json()["created_at"] == reread
    assert reread.endswith(("Z", "+00:00")), reread
    parsed = _parse(reread)
    assert parsed.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= parsed <= datetime.now(UTC) + timedelta(seconds=1)


def test_an_aware_time_in_another_zone_is_stored_as_the_same_instant(db_session: Session) -> None:
    kolkata = timezone(timedelta(hours=5, minutes=30))
    item = ItemFactory(created_at=datetime(2024, 3, 31, 1, 30, tzinfo=kolkata))
    db_session.expire_all()

    reread = db_session.get(Item, item.id)

    assert reread is not None
    assert reread.created_at == datetime(2024, 3, 30, 20, 0, tzinfo=UTC)
    assert reread.created_at.tzinfo is UTC


def test_a_naive_time_is_refused_rather_than_guessed(db_session: Session) -> None:
    owner = UserFactory()
    naive = datetime(2024, 1, 1, 12, 0)
    db_session.add(Item(owner_id=owner.id, name="Naive", price=Decimal("1.00"), created_at=naive))

    with pytest.raises(StatementError, match="naive datetimes are ambiguous"):
        db_session.flush()
    db_session.rollback()


@pytest.mark.skipif(
    not is_postgres(target_url()),
    reason="SQLite has no session time zone: it stores timestamps as UTC text",
)
def test_timestamps_stay_utc_when_the_database_session_is_in_another_zone(
    client: TestClient, connection: Connection, auth_headers
) -> None:
    # PostgreSQL hands timestamptz back in the session's zone; -03:30 makes a slip obvious.
    connection.exec_driver_sql("SET LOCAL TIME ZONE 'America/St_Johns'")
    headers = auth_headers(UserFactory())

    created = client.post("/items/", json={"name": "Thing", "price": "1.00"}, headers=headers)
    listed = client.get("/items/", headers=headers).json()["items"][0]["created_at"]

    assert created.status_code == 201, created.text
    assert listed.endswith(("Z", "+00:00")), listed
    assert _parse(listed) == _parse(created.json()["created_at"])
