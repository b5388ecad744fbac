"""The load test's baseline answers what the app answers (tools/loadtests/plain_app.py).

`make load` divides the app's listings per second by those of the same listing written the
plain way (tools/loadtests/run.py). That ratio means something only while both do the same
work: the same page of the same items, in the same order, with the same total, for the same
token. Both are served here by uvicorn over one migrated database, and asked the same listings.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.config import Settings
from app.models import Item, Role, User
from app.security import create_access_token
from tests.support.uvicorn_server import (
    REQUEST_SECONDS,
    SERVER_ENV,
    Server,
    migrated_database,
    serving,
)
from tools.loadtests.run import CAPACITY_PATH

PLAIN_APP = "tools.loadtests.plain_app:app"
ITEMS = 37
NAMES = ("Desk lamp", "Oak desk", "Office chair", "Reading LAMP", "Shelf 100%", "Shelf_2")
# The listing the load test times, and others the plain app must answer alike: pages at the
# start, in the middle, past the end, the largest page, and the name filter (any case, and with
# the characters LIKE would treat as wildcards, which both must take literally).
LISTINGS = (
    CAPACITY_PATH,
    "/items/",
    "/items/?limit=5&offset=3",
    "/items/?limit=100",
    "/items/?offset=35",
    "/items/?offset=1000",
    "/items/?q=lamp",
    "/items/?q=LAMP&limit=3&offset=1",
    "/items/?q=100%25",
    "/items/?q=f_",
    "/items/?q=nothing-like-this",
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with migrated_database(tmp_path_factory.mktemp("baseline"), "baseline") as url:
        yield url


@pytest.fixture(scope="module")
def caller_id(database: str) -> int:
    """Two members and their items: names that repeat, prices with and without cents, some
    descriptions missing, times with microseconds. The first member's id."""
    engine = create_engine(database, poolclass=NullPool)
    start = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    try:
        with Session(engine, expire_on_commit=False) as db:
            members = [
                User(
                    username=f"baseline_{n}",
                    email=f"baseline_{n}@example.com",
                    full_name=f"Baseline {n}",
                    role=Role.MEMBER,
                    hashed_password="not used: the test mints its token",
                )
                for n in range(2)
            ]
            db.add_all(members)
            db.flush()
            db.add_all(
                Item(
                    owner_id=members[n % 2].id,
                    name=f"{NAMES[n % len(NAMES)]} {n}",
                    description=None if n % 3 == 0 else f"Item number {n}",
                    price=Decimal(n * 7 + 1) / (100 if n % 2 else 1),
                    created_at=start + timedelta(minutes=n, microseconds=n),
                )
                for n in range(ITEMS)
            )
            db.commit()
            return members[0].id
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def token(caller_id: int) -> str:
    settings = Settings(_env_file=None, secret_key=SERVER_ENV["SECRET_KEY"])  # type: ignore[call-arg]
    return create_access_token(caller_id, settings).access_token


@pytest.fixture(scope="module")
def app_server(
    database: str, caller_id: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    with serving(database, tmp_path_factory.mktemp("app") / "server.log") as server:
        yield server


@pytest.fixture(scope="module")
def plain_server(
    database: str, caller_id: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    log_path: Path = tmp_path_factory.mktemp("plain") / "server.log"
    with serving(database, log_path, target=PLAIN_APP) as server:
        yield server


def _listing(server: Server, path: str, token: str) -> object:
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx.get(f"{server.base_url}{path}", headers=headers, timeout=REQUEST_SECONDS)
    assert response.status_code == 200, f"{path}: {response.text}\n{server.log()}"
    return response.json()


@pytest.mark.parametrize("path", LISTINGS)
def test_the_plain_listing_answers_what_the_app_does(
    app_server: Server, plain_server: Server, token: str, path: str
) -> None:
    assert _listing(plain_server, path, token) == _listing(app_server, path, token)


def test_the_listing_the_load_test_times_is_a_full_page_with_the_total(
    app_server: Server, token: str
) -> None:
    # So the comparison above is not between two empty answers.
    page = _listing(app_server, CAPACITY_PATH, token)
    assert isinstance(page, dict)
    assert page["total"] == ITEMS
    assert [item["id"] for item in page["items"]] == sorted(item["id"] for item in page["items"])
    assert len(page["items"]) == 20
