"""Races against a real server: uvicorn on a loopback port, PostgreSQL behind it.

The in-process suite shares one connection per test, so it cannot race; here N clients fire
the same request at once, through separate connections and transactions. Several pass the
friendly "already taken?" check together; the unique constraint must then turn every loser
into a 409, never a 500 and never a second row.
"""

from collections import Counter
from collections.abc import Callable, Iterator

import httpx
import pytest
from alembic import command

from tests.harness.databases import alembic_config, is_postgres, target_url, throwaway_database
from tests.support.uvicorn_server import (
    CLIENTS,
    REQUEST_SECONDS,
    Server,
    count_rows,
    fire_at_once,
    serving,
)

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.skipif(
        not is_postgres(target_url()),
        reason="races need a server database: set TEST_DATABASE_URL=postgresql+psycopg://...",
    ),
]


@pytest.fixture(scope="module")
def server_database() -> Iterator[str]:
    """A fresh database with the schema the migrations build, as a deployment would have."""
    with throwaway_database(target_url(), "race") as url:
        command.upgrade(alembic_config(url), "head")
        yield url


@pytest.fixture(scope="module")
def server(server_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log_path = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with serving(server_database, log_path) as server:
        yield server


@pytest.mark.parametrize(
    ("email_of", "username_of"),
    [
        pytest.param(lambda _: "race@example.com", lambda n: f"racer_{n}", id="same-email"),
        pytest.param(lambda n: f"racer{n}@example.org", lambda _: "racer", id="same-username"),
    ],
)
def test_simultaneous_registrations_create_exactly_one_user(
    server: Server,
    server_database: str,
    email_of: Callable[[int], str],
    username_of: Callable[[int], str],
) -> None:
    def register(client: httpx.Client, n: int) -> httpx.Response:
        body = {"email": email_of(n), "username": username_of(n), "password": "long-enough-pass"}
        return client.post("/users/", json=body)

    statuses = fire_at_once(server, register)

    assert statuses == Counter({201: 1, 409: CLIENTS - 1}), server.log()
    rows = count_rows(
        server_database,
        "SELECT count(*) FROM users WHERE email = :email OR username = :username",
        email=email_of(0),
        username=username_of(0),
    )
    assert rows == 1


def test_one_owner_creating_the_same_item_at_once_gets_exactly_one(
    server: Server, server_database: str
) -> None:
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as client:
        owner = {"email": "owner@example.com", "username": "owner", "password": "long-enough-pass"}
        assert client.post("/users/", json=owner).status_code == 201
        login = client.post("/token", data={"username": "owner", "password": owner["password"]})
        assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    def create(client: httpx.Client, _n: int) -> httpx.Response:
        return client.post("/items/", json={"name": "Desk lamp", "price": "25.00"}, headers=headers)

    statuses = fire_at_once(server, create)

    assert statuses == Counter({201: 1, 409: CLIENTS - 1}), server.log()
    rows = count_rows(
        server_database,
        "SELECT count(*) FROM items JOIN users ON users.id = items.owner_id"
        " WHERE users.username = 'owner' AND items.name = 'Desk lamp'",
    )
    assert rows == 1
