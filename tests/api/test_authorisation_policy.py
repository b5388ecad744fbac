"""Who may call what: one table, every route, every kind of caller (OWASP API1 BOLA, API5 BFLA).

POLICY lists, for each operation the OpenAPI schema publishes, the status each caller gets.
The generated test tries every cell with a real token; the meta tests fail as soon as the app
has an operation the table does not cover, so no new route ships without a decision on who may
call it. A refused write must also leave every table exactly as it was.

Callers: routes that act on one user's resource (an item, a user record) distinguish the
owning member from another member; the others only know "a member".
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
import respx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from app.models import Item, User
from tests.harness.types import HeadersFor
from tests.support.db_snapshot import snapshot
from tests.support.factories import DEFAULT_PASSWORD, ItemFactory, UserFactory

ANONYMOUS = "anonymous"
MEMBER = "member"
OWNER = "owning member"
OTHER = "other member"
ADMIN = "admin"

UNOWNED = (ANONYMOUS, MEMBER, ADMIN)
OWNED = (ANONYMOUS, OWNER, OTHER, ADMIN)


@dataclass(frozen=True)
class World:
    owner: User
    other: User
    admin: User
    item: Item

    def caller(self, name: str) -> User | None:
        return {ANONYMOUS: None, MEMBER: self.owner, OWNER: self.owner, OTHER: self.other}.get(
            name, self.admin
        )


_fresh = count()


def _registration(world: World) -> dict[str, Any]:
    n = next(_fresh)
    return {
        "json": {"email": f"new{n}@example.com", "username": f"new_{n}", "password": "pw-long-1"}
    }


RequestFor = Callable[[World], dict[str, Any]]


def _none(world: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Rule:
    expect: dict[str, int]
    request: RequestFor = _none


def _unowned(anonymous: int, member: int, admin: int, request: RequestFor = _none) -> Rule:
    return Rule({ANONYMOUS: anonymous, MEMBER: member, ADMIN: admin}, request)


def _owned(anonymous: int, owner: int, other: int, admin: int, request: RequestFor = _none) -> Rule:
    return Rule({ANONYMOUS: anonymous, OWNER: owner, OTHER: other, ADMIN: admin}, request)


POLICY: dict[tuple[str, str], Rule] = {
    # Public: logging in and registering need no token, and a token changes nothing.
    ("/token", "POST"): _unowned(
        200,
        200,
        200,
        lambda w: {"data": {"username": w.owner.username, "password": DEFAULT_PASSWORD}},
    ),
    ("/users/", "POST"): _unowned(201, 201, 201, _registration),
    ("/health", "GET"): _unowned(200, 200, 200),
    # Any signed-in user.
    ("/users/me/", "GET"): _unowned(401, 200, 200),
    ("/users/{user_id}", "GET"): _owned(401, 200, 200, 200),
    ("/items/", "GET"): _unowned(401, 200, 200),
    ("/items/", "POST"): _unowned(
        401, 201, 201, lambda w: {"json": {"name": "Desk lamp", "price": "12.50"}}
    ),
    ("/items/{item_id}", "GET"): _owned(401, 200, 200, 200),
    ("/external-item/{item_id}", "GET"): _unowned(401, 200, 200),
    # The owner or an admin (BOLA: another member is refused).
    ("/items/{item_id}", "PATCH"): _owned(
        401, 200, 403, 200, lambda w: {"json": {"price": "1.00"}}
    ),
    ("/items/{item_id}", "DELETE"): _owned(401, 204, 403, 204),
    # Admins only (BFLA: a member cannot reach an admin function, not even for themself).
    ("/admin/users/", "GET"): _unowned(401, 403, 200),
    ("/admin/users/{user_id}", "PATCH"): _owned(
        401, 403, 403, 200, lambda w: {"json": {"role": "admin"}}
    ),
}

CELLS = [
    pytest.param(path, method, caller, status, id=f"{method} {path} as {caller}")
    for (path, method), rule in POLICY.items()
    for caller, status in rule.expect.items()
]


def _published_operations(app: FastAPI) -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }


def _url(path: str, world: World) -> str:
    if path.startswith("/external-item/"):
        return path.format(item_id="lamp-42")  # the catalog's id, not one of ours
    # An item's id for item routes; the owning member's id for user routes.
    return path.format(item_id=world.item.id, user_id=world.owner.id)


@pytest.fixture
def world(db_session: Session) -> World:
    owner = UserFactory()
    return World(
        owner=owner,
        other=UserFactory(),
        admin=UserFactory(admin=True),
        item=ItemFactory(owner=owner),
    )


@pytest.mark.parametrize(("path", "method", "caller", "status"), CELLS)
def test_each_caller_gets_the_status_the_policy_table_says(
    client: TestClient,
    db_session: Session,
    catalog_mock: respx.MockRouter,
    auth_headers: HeadersFor,
    world: World,
    path: str,
    method: str,
    caller: str,
    status: int,
) -> None:
    catalog_mock.get("/data/lamp-42").mock(return_value=Response(200, json={"name": "Lamp"}))
    user = world.caller(caller)
    headers = auth_headers(user) if user is not None else {}
    before = snapshot(db_session)

    response = client.request(
        method, _url(path, world), headers=headers, **POLICY[(path, method)].request(world)
    )

    assert response.status_code == status, (
        f"{method} {path} as {caller}: expected {status}, got {response.status_code} "
        f"{response.text}"
    )
    if status >= 400:
        assert snapshot(db_session) == before, "a refused request changed the data"


def test_every_published_operation_has_a_row_in_the_policy_table(app: FastAPI) -> None:
    missing = _published_operations(app) - set(POLICY)
    assert not missing, f"operations without an authorisation decision in POLICY: {missing}"


def test_the_policy_table_has_no_rows_for_operations_that_do_not_exist(app: FastAPI) -> None:
    stale = set(POLICY) - _published_operations(app)
    assert not stale, f"POLICY rows for operations the app does not have: {stale}"


@pytest.mark.parametrize(
    ("operation", "rule"),
    [pytest.param(operation, rule, id=" ".join(operation)) for operation, rule in POLICY.items()],
)
def test_every_row_decides_for_every_kind_of_caller(operation: tuple[str, str], rule: Rule) -> None:
    assert tuple(rule.expect) in {UNOWNED, OWNED}, f"{operation} covers {tuple(rule.expect)}"


def test_no_route_hides_from_the_schema_and_so_from_the_table(app: FastAPI) -> None:
    # The table is checked against the published schema; a route left out of the schema would
    # escape it. Only FastAPI's own documentation routes may be unpublished.
    docs = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
    hidden: list[str] = []
    pending = list(app.routes)
    while pending:
        route = pending.pop()
        included = getattr(route, "original_router", None)
        if included is not None:
            pending.extend(included.routes)
        elif isinstance(route, APIRoute) and not route.include_in_schema:
            hidden.append(route.path)
        elif not isinstance(route, APIRoute) and getattr(route, "path", None) not in docs:
            hidden.append(repr(route))
    assert not hidden, f"routes outside the OpenAPI schema: {hidden}"
