"""The service's calls as the steps use them: every address and form of request lives here.

Each function takes the harness's `client`, so every call goes through the real app.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from httpx2 import Response

Headers = Mapping[str, str]
# Given an actor's name (None: an anonymous caller), the headers that actor sends.
ActorHeaders = Callable[[str | None], dict[str, str]]

# Ids are assigned from 1 in a fresh transaction; no scenario creates this many rows.
MISSING_ID = 987_654_321


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def as_json_number(price: Decimal) -> int | float:
    """A price as a client sends it when it sends a number: 15, 12.5, 12.345 (not a string)."""
    exponent = price.as_tuple().exponent
    return int(price) if isinstance(exponent, int) and exponent >= 0 else float(price)


def timestamp(text: str) -> datetime:
    """A time as the service writes it (ISO 8601, with its zone)."""
    return datetime.fromisoformat(text)


def sign_in(client: TestClient, username: str, password: str) -> Response:
    return client.post("/token", data={"username": username, "password": password})


def register(client: TestClient, details: Mapping[str, object], headers: Headers) -> Response:
    return client.post("/users/", json=dict(details), headers=dict(headers))


def own_record(client: TestClient, headers: Headers) -> Response:
    return client.get("/users/me/", headers=dict(headers))


def look_up_user(client: TestClient, headers: Headers, user_id: int) -> Response:
    return client.get(f"/users/{user_id}", headers=dict(headers))


def list_users(
    client: TestClient, headers: Headers, *, limit: int | None = None, offset: int | None = None
) -> Response:
    params = {k: v for k, v in {"limit": limit, "offset": offset}.items() if v is not None}
    return client.get("/admin/users/", params=params, headers=dict(headers))


def change_user(
    client: TestClient, headers: Headers, user_id: int, changes: Mapping[str, object]
) -> Response:
    return client.patch(f"/admin/users/{user_id}", json=dict(changes), headers=dict(headers))


def offer_item(client: TestClient, headers: Headers, details: Mapping[str, object]) -> Response:
    return client.post("/items/", json=dict(details), headers=dict(headers))


def list_items(
    client: TestClient,
    headers: Headers,
    *,
    limit: int | None = None,
    offset: int | None = None,
    name_contains: str | None = None,
) -> Response:
    wanted = {"limit": limit, "offset": offset, "q": name_contains}
    params = {k: v for k, v in wanted.items() if v is not None}
    return client.get("/items/", params=params, headers=dict(headers))


def read_item(client: TestClient, headers: Headers, item_id: int) -> Response:
    return client.get(f"/items/{item_id}", headers=dict(headers))


def change_item(
    client: TestClient, headers: Headers, item_id: int, changes: Mapping[str, object]
) -> Response:
    return client.patch(f"/items/{item_id}", json=dict(changes), headers=dict(headers))


def remove_item(client: TestClient, headers: Headers, item_id: int) -> Response:
    return client.delete(f"/items/{item_id}", headers=dict(headers))


def catalog_item(client: TestClient, headers: Headers, code: str) -> Response:
    return client.get(f"/external-item/{code}", headers=dict(headers))


def health(client: TestClient) -> Response:
    return client.get("/health")
