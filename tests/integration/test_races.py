"""Writes that race for the same row, against uvicorn and the suite's database engine.

Each round creates its own rows, then releases the racing requests together (real clients in
parallel threads, separate connections and transactions). Whatever the interleaving:
- a PATCH racing a DELETE of the same item is 200 or 404, never a 500 (the row lock in
  app/services/items.py makes the loser find the item gone);
- of several DELETEs of one item, exactly one removes it (204) and the rest find nothing (404);
- two admins demoting or deactivating each other at once leave one of them an active admin
  (app/services/users.py locks both accounts and reads them afresh).

On SQLite writing requests take the write lock at BEGIN (app/database.py), so these races
serialise there already; on PostgreSQL they ran concurrently and failed before the row locks.
"""

from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.support.uvicorn_server import (
    REQUEST_SECONDS,
    Server,
    count_rows,
    execute,
    fire_at_once,
    migrated_database,
    serving,
)

pytestmark = [pytest.mark.concurrency]

ROUNDS = 10
DELETERS = 8
PASSWORD = "long-enough-pass"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with migrated_database(tmp_path_factory.mktemp("races"), "races") as url:
        yield url


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(database, tmp_path_factory.mktemp("uvicorn") / "server.log") as server:
        yield server


def _signed_up(client: httpx.Client, username: str) -> dict[str, str]:
    """Registers `username` and returns the headers of its signed-in session."""
    body = {"email": f"{username}@example.com", "username": username, "password": PASSWORD}
    registered = client.post("/users/", json=body)
    assert registered.status_code == 201, registered.text
    login = client.post("/token", data={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.fixture(scope="module")
def owner(server: Server) -> dict[str, str]:
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as client:
        return _signed_up(client, "owner")


def _new_item(server: Server, headers: dict[str, str], name: str) -> int:
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as client:
        created = client.post("/items/", json={"name": name, "price": "25.00"}, headers=headers)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_a_change_racing_a_removal_is_saved_or_finds_nothing_never_a_500(
    server: Server, database: str, owner: dict[str, str]
) -> None:
    patches: Counter[int] = Counter()
    deletes: Counter[int] = Counter()
    for round_ in range(ROUNDS):
        item_id = _new_item(server, owner, f"Raced lamp {round_}")

        def change_or_remove(
            client: httpx.Client, n: int, item_id: int = item_id
        ) -> httpx.Response:
            if n == 0:
                return client.patch(f"/items/{item_id}", json={"price": "30.00"}, headers=owner)
            return client.delete(f"/items/{item_id}", headers=owner)

        statuses = fire_at_once(server, change_or_remove, clients=2)
        # fire_at_once counts statuses, not who sent them: a 204 is the removal's.
        deletes[204] += statuses.pop(204, 0)
        patches.update(statuses)

    print(f"\nPATCH racing DELETE, {ROUNDS} rounds: PATCH {dict(patches)}, DELETE {dict(deletes)}")
    assert deletes == Counter({204: ROUNDS}), server.log()
    assert set(patches) <= {200, 404}, server.log()
    assert count_rows(database, "SELECT count(*) FROM items WHERE name LIKE 'Raced lamp %'") == 0


def test_of_several_removals_of_one_item_exactly_one_removes_it(
    server: Server, owner: dict[str, str]
) -> None:
    totals: Counter[int] = Counter()
    rounds: list[Counter[int]] = []
    for round_ in range(ROUNDS):
        item_id = _new_item(server, owner, f"Contested lamp {round_}")

        def remove(client: httpx.Client, _n: int, item_id: int = item_id) -> httpx.Response:
            return client.delete(f"/items/{item_id}", headers=owner)

        statuses = fire_at_once(server, remove, clients=DELETERS)
        totals.update(statuses)
        rounds.append(statuses)

    print(f"\n{DELETERS} DELETEs of one item, {ROUNDS} rounds: {dict(totals)}")
    expected = Counter({204: 1, 404: DELETERS - 1})
    assert all(statuses == expected for statuses in rounds), (rounds, server.log())


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"role": "member"}, id="demoting"),
        pytest.param({"is_active": False}, id="deactivating"),
    ],
)
def test_two_admins_changing_each_other_at_once_leave_one_active_admin(
    server: Server, database: str, change: dict[str, object]
) -> None:
    label = "demoting" if "role" in change else "deactivating"
    # The loser is no longer an admin (403), or no longer active, so no longer signed in (401).
    refused = 403 if "role" in change else 401
    outcomes: Counter[str] = Counter()
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_SECONDS) as client:
        for round_ in range(ROUNDS):
            names = [f"{label[:5]}_{round_}_a", f"{label[:5]}_{round_}_b"]
            sessions = [_signed_up(client, name) for name in names]
            execute(
                database,
                "UPDATE users SET role = 'admin' WHERE username IN (:a, :b)",
                a=names[0],
                b=names[1],
            )
            ids = [
                count_rows(database, "SELECT id FROM users WHERE username = :u", u=name)
                for name in names
            ]

            def change_the_other(
                client: httpx.Client,
                n: int,
                sessions: list[dict[str, str]] = sessions,
                ids: list[int] = ids,
            ) -> httpx.Response:
                return client.patch(f"/admin/users/{ids[1 - n]}", json=change, headers=sessions[n])

            statuses = fire_at_once(server, change_the_other, clients=2)
            still_admins = count_rows(
                database,
                "SELECT count(*) FROM users WHERE username IN (:a, :b)"
                " AND role = 'admin' AND is_active",
                a=names[0],
                b=names[1],
            )
            outcomes[f"{still_admins} active admin(s) left"] += 1
            outcomes.update(f"answer {status}" for status in statuses.elements())

    print(f"\nTwo admins {label} each other, {ROUNDS} rounds: {dict(outcomes)}")
    assert outcomes == Counter(
        {"1 active admin(s) left": ROUNDS, "answer 200": ROUNDS, f"answer {refused}": ROUNDS}
    ), server.log()
