"""The external catalog: every upstream outcome, over HTTP and on the client itself."""

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient

from app.catalog import (
    CatalogClient,
    CatalogInvalidResponse,
    CatalogTimeout,
    CatalogUnavailable,
    make_http_client,
)
from app.config import Settings
from app.models import User
from tests.harness.types import HeadersFor

ITEM = {"id": "abc-1", "title": "Brass desk lamp", "stock": 3}
REFUSED = httpx.ConnectError("Connection refused")

Fetch = Callable[[str], Any]


@pytest.fixture
def fetch(client: TestClient, member: User, auth_headers: HeadersFor) -> Fetch:
    """GET /external-item/{item_id} as a signed-in member."""

    def get(item_id: str) -> Any:
        return client.get(f"/external-item/{item_id}", headers=auth_headers(member))

    return get


def test_an_item_the_catalog_has_is_passed_through(
    fetch: Fetch, catalog_mock: respx.MockRouter
) -> None:
    catalog_mock.get("/data/abc-1").respond(200, json=ITEM)

    response = fetch("abc-1")

    assert response.status_code == 200
    assert response.json() == {"item_id": "abc-1", "external_data": ITEM}


BAD_STATUS = (502, "External service error")
INVALID = (502, "External service returned an invalid response")

Upstream = httpx.Response | Exception
Answer = tuple[int, str]

# Each failure with the answer the client gets and what the log says to whoever is on call:
# which item, and what the catalog did.
UPSTREAM_FAILURES: dict[str, tuple[Upstream, Answer, list[str]]] = {
    "not found": (
        httpx.Response(404),
        (404, "External item not found"),
        ["catalog has no item abc-1"],
    ),
    "server error": (httpx.Response(500), BAD_STATUS, ["catalog answered 500 for abc-1"]),
    "unavailable upstream": (
        httpx.Response(503),
        BAD_STATUS,
        ["catalog answered 503 for abc-1"],
    ),
    "redirect": (
        httpx.Response(302, headers={"Location": "/elsewhere"}),
        BAD_STATUS,
        ["catalog answered 302 for abc-1"],
    ),
    "created is not ok": (
        httpx.Response(201, json=ITEM),
        BAD_STATUS,
        ["catalog answered 201 for abc-1"],
    ),
    "not json": (
        httpx.Response(200, text="<html>"),
        INVALID,
        ["catalog sent a body that is not JSON for abc-1"],
    ),
    "json list": (
        httpx.Response(200, json=[ITEM]),
        INVALID,
        ["catalog sent list instead of an object for abc-1"],
    ),
    "json string": (
        httpx.Response(200, json="abc"),
        INVALID,
        ["catalog sent str instead of an object for abc-1"],
    ),
    "json null": (
        # Not `json=None`, which sends no body at all.
        httpx.Response(200, content=b"null", headers={"Content-Type": "application/json"}),
        INVALID,
        ["catalog sent NoneType instead of an object for abc-1"],
    ),
    "read timeout": (
        httpx.ReadTimeout("slow"),
        (504, "External service timed out"),
        ["catalog timed out on /data/abc-1: ReadTimeout('slow')"],
    ),
    "connect timeout": (
        httpx.ConnectTimeout("slow"),
        (504, "External service timed out"),
        ["catalog timed out on /data/abc-1: ConnectTimeout('slow')"],
    ),
    "connection refused": (
        REFUSED,
        (503, "External service unavailable"),
        [
            f"catalog unreachable on /data/abc-1 (attempt {attempt}): "
            "ConnectError('Connection refused')"
            for attempt in (1, 2)
        ],
    ),
}


@pytest.mark.parametrize(
    ("upstream", "answer", "logged"), UPSTREAM_FAILURES.values(), ids=UPSTREAM_FAILURES.keys()
)
def test_each_upstream_failure_has_its_own_answer_and_is_logged(
    fetch: Fetch,
    catalog_mock: respx.MockRouter,
    caplog: pytest.LogCaptureFixture,
    upstream: Upstream,
    answer: Answer,
    logged: list[str],
) -> None:
    caplog.set_level(logging.INFO, logger="app.catalog")
    catalog_mock.get("/data/abc-1").mock(side_effect=[upstream, upstream])

    response = fetch("abc-1")

    assert (response.status_code, response.json()["detail"]) == answer
    catalog_log = [record.getMessage() for record in caplog.records if record.name == "app.catalog"]
    assert catalog_log == logged


def test_an_unreachable_catalog_is_tried_twice_and_asks_the_client_to_retry(
    fetch: Fetch, catalog_mock: respx.MockRouter, test_settings: Settings
) -> None:
    route = catalog_mock.get("/data/abc-1").mock(side_effect=REFUSED)

    response = fetch("abc-1")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(test_settings.catalog_retry_after_seconds)
    assert route.call_count == 2


def test_a_refused_connection_is_retried_once_then_succeeds(
    fetch: Fetch, catalog_mock: respx.MockRouter
) -> None:
    route = catalog_mock.get("/data/abc-1").mock(
        side_effect=[REFUSED, httpx.Response(200, json=ITEM)]
    )

    response = fetch("abc-1")

    assert (response.status_code, route.call_count) == (200, 2)
    assert response.json()["external_data"] == ITEM


def test_a_timeout_is_not_retried(fetch: Fetch, catalog_mock: respx.MockRouter) -> None:
    # The catalog may still be working on the first request; do not pile on.
    route = catalog_mock.get("/data/abc-1").mock(side_effect=httpx.ReadTimeout("slow"))

    assert fetch("abc-1").status_code == 504
    assert route.call_count == 1


@pytest.mark.parametrize(
    "item_id",
    [
        pytest.param("a" * 65, id="65 characters"),
        pytest.param("abc_1", id="underscore"),
        pytest.param("abc.1", id="dot"),
        pytest.param("%2E%2E", id="encoded dot-dot"),
        pytest.param("abc%3Fx%3D1", id="encoded query"),
        pytest.param("abc%20", id="encoded space"),
        pytest.param("caf%C3%A9", id="non-ascii"),
    ],
)
def test_an_id_that_could_change_the_upstream_url_is_refused(
    fetch: Fetch, catalog_mock: respx.MockRouter, item_id: str
) -> None:
    response = fetch(item_id)

    assert response.status_code == 422
    assert not catalog_mock.calls


@pytest.mark.parametrize("item_id", ["a", "a" * 64, "ABC-def-123"], ids=["1", "64", "mixed"])
def test_ids_of_letters_digits_and_hyphens_up_to_64_are_accepted(
    fetch: Fetch, catalog_mock: respx.MockRouter, item_id: str
) -> None:
    catalog_mock.get(f"/data/{item_id}").respond(200, json={})
    assert fetch(item_id).status_code == 200


def test_the_catalog_is_for_signed_in_users_only(
    client: TestClient, catalog_mock: respx.MockRouter
) -> None:
    assert client.get("/external-item/abc-1").status_code == 401
    assert not catalog_mock.calls


# --- the client on its own, as the app awaits it ----------------------------------------


@pytest.fixture
async def catalog(test_settings: Settings) -> AsyncIterator[CatalogClient]:
    async with make_http_client(test_settings) as http:
        yield CatalogClient(http, retry_after_seconds=7)


@pytest.mark.anyio
async def test_fetch_item_returns_the_catalogs_object(
    catalog: CatalogClient, catalog_mock: respx.MockRouter
) -> None:
    catalog_mock.get("/data/abc-1").respond(200, json=ITEM)
    assert await catalog.fetch_item("abc-1") == ITEM


@pytest.mark.anyio
async def test_fetch_item_retries_a_refused_connection_once(
    catalog: CatalogClient, catalog_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    route = catalog_mock.get("/data/abc-1").mock(
        side_effect=[REFUSED, httpx.Response(200, json=ITEM)]
    )

    assert await catalog.fetch_item("abc-1") == ITEM
    assert route.call_count == 2
    assert "attempt 1" in caplog.text


@pytest.mark.anyio
async def test_fetch_item_gives_up_after_two_refusals_with_its_retry_after(
    catalog: CatalogClient, catalog_mock: respx.MockRouter
) -> None:
    catalog_mock.get("/data/abc-1").mock(side_effect=REFUSED)

    with pytest.raises(CatalogUnavailable) as failure:
        await catalog.fetch_item("abc-1")

    assert failure.value.headers == {"Retry-After": "7"}
    assert isinstance(failure.value.__cause__, httpx.ConnectError)


@pytest.mark.anyio
async def test_without_a_retry_after_of_its_own_the_client_asks_for_5_seconds(
    test_settings: Settings, catalog_mock: respx.MockRouter
) -> None:
    catalog_mock.get("/data/abc-1").mock(side_effect=REFUSED)

    async with make_http_client(test_settings) as http:
        with pytest.raises(CatalogUnavailable) as failure:
            await CatalogClient(http).fetch_item("abc-1")

    assert failure.value.headers == {"Retry-After": "5"}


@pytest.mark.anyio
async def test_fetch_item_reports_a_timeout(
    catalog: CatalogClient, catalog_mock: respx.MockRouter
) -> None:
    catalog_mock.get("/data/abc-1").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(CatalogTimeout):
        await catalog.fetch_item("abc-1")


@pytest.mark.anyio
async def test_fetch_item_refuses_a_body_that_is_not_an_object(
    catalog: CatalogClient, catalog_mock: respx.MockRouter
) -> None:
    catalog_mock.get("/data/abc-1").respond(200, json=[1, 2])

    with pytest.raises(CatalogInvalidResponse):
        await catalog.fetch_item("abc-1")


@pytest.mark.anyio
async def test_the_http_client_uses_the_configured_base_url_and_timeout(
    test_settings: Settings,
) -> None:
    async with make_http_client(test_settings) as http:
        assert str(http.base_url).rstrip("/") == test_settings.catalog_base_url
        assert http.timeout.read == test_settings.catalog_timeout_seconds
