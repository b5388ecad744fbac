"""features/external_failures.feature: the supplier's catalog, when it answers and when it fails."""

import httpx
import respx
from fastapi.testclient import TestClient
from pytest_bdd import given, scenarios, then, when

from app.config import Settings
from step_defs.support import api, catalog
from step_defs.support.api import ActorHeaders
from step_defs.support.context import ScenarioContext
from step_defs.support.expect import expect_answer, expect_detail, expect_same
from step_defs.support.types import (
    CatalogAnswer,
    CatalogFailure,
    CatalogServerBehaviour,
    step_text,
)
from tests.support.fakes.catalog import FakeCatalog, Mode, catalog_item

scenarios("external_failures.feature")


def _route(ctx: ScenarioContext) -> respx.Route:
    assert ctx.catalog_route is not None, "describe the catalog's item before changing it"
    return ctx.catalog_route


@given(step_text("the catalog describes item {item code} as:"))
def _(
    ctx: ScenarioContext,
    catalog_mock: respx.MockRouter,
    item_code: str,
    datatable: list[list[str]],
) -> None:
    data: dict[str, object] = {attribute: value for attribute, value in datatable}  # noqa: C416
    ctx.catalog_items[item_code] = data
    ctx.catalog_route = catalog.describe_item(catalog_mock, item_code, data)


@given(step_text("the catalog does not know item {item code}"))
def _(ctx: ScenarioContext, catalog_mock: respx.MockRouter, item_code: str) -> None:
    ctx.catalog_route = catalog_mock.get(catalog.ITEM_PATH.format(code=item_code)).mock(
        return_value=httpx.Response(404, json={"error": "no such item"})
    )


@given(step_text("the catalog {catalog failure}"))
def _(
    ctx: ScenarioContext, catalog_mock: respx.MockRouter, catalog_failure: CatalogFailure
) -> None:
    ctx.catalog_route = catalog.any_item(catalog_mock).mock(
        return_value=catalog.failure(catalog_failure)
    )


@given(step_text("the catalog does not answer in time"))
def _(ctx: ScenarioContext, catalog_mock: respx.MockRouter) -> None:
    ctx.catalog_route = catalog.any_item(catalog_mock).mock(
        side_effect=httpx.ReadTimeout("the catalog did not answer in time")
    )


@given(step_text("the catalog cannot be reached"))
def _(ctx: ScenarioContext, catalog_mock: respx.MockRouter) -> None:
    ctx.catalog_route = catalog.any_item(catalog_mock).mock(
        side_effect=httpx.ConnectError("connection refused")
    )


@given(step_text("the catalog answers with {unusable answer}"))
def _(ctx: ScenarioContext, catalog_mock: respx.MockRouter, unusable_answer: CatalogAnswer) -> None:
    ctx.catalog_route = catalog.any_item(catalog_mock).mock(
        return_value=catalog.unusable_answer(unusable_answer)
    )


@given(step_text("the first attempt to reach the catalog fails"))
def _(ctx: ScenarioContext) -> None:
    route = _route(ctx)
    answer = route.return_value
    assert answer is not None, "the catalog's answer must be described first"
    route.side_effect = [httpx.ConnectError("connection refused"), answer]


# --- @live: a real catalog server on loopback (tests/support/fakes/live.py points the app at it)

SERVER_MODES = {
    CatalogServerBehaviour.SLOW: Mode.SLOW,
    CatalogServerBehaviour.HANGS_MID_BODY: Mode.HANG_MID_BODY,
    CatalogServerBehaviour.TRICKLES: Mode.DRIP,
    CatalogServerBehaviour.RESETS: Mode.RESET,
    CatalogServerBehaviour.NOT_RUNNING: Mode.CLOSED_PORT,
    CatalogServerBehaviour.INTERNAL_ERROR: Mode.SERVER_ERROR,
    CatalogServerBehaviour.UNAVAILABLE: Mode.UNAVAILABLE,
    CatalogServerBehaviour.NOT_DATA: Mode.INVALID_JSON,
    CatalogServerBehaviour.UNKNOWN_ITEM: Mode.NOT_FOUND,
}
# What the service may add to the catalog's time limit before it answers.
ANSWER_SLACK_SECONDS = 0.5


@given(step_text("the catalog server describes item {item code}"))
def _(ctx: ScenarioContext, catalog_server: FakeCatalog, item_code: str) -> None:
    catalog_server.set_mode(Mode.NORMAL)
    ctx.catalog_items[item_code] = catalog_item(item_code)


@given(step_text("the catalog server {misbehaviour}"))
def _(catalog_server: FakeCatalog, misbehaviour: CatalogServerBehaviour) -> None:
    catalog_server.set_mode(SERVER_MODES[misbehaviour])


@when(step_text("{actor} looks up item {item code} in the catalog"))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, item_code: str
) -> None:
    ctx.record(api.catalog_item(client, headers_for(actor), item_code))


@then(step_text("{actor} sees what the catalog says about item {item code}"))
def _(ctx: ScenarioContext, actor: str, item_code: str) -> None:
    body = expect_answer(ctx.last, 200, f"{actor} should see the catalog's item {item_code}")
    expected = {"item_id": item_code, "external_data": ctx.catalog_items[item_code]}
    expect_same(body, expected, "what the catalog says, passed on unchanged", ctx.last)


@then(step_text("the catalog was {asked how often}"))
def _(catalog_mock: respx.MockRouter, ctx: ScenarioContext, asked_how_often: int) -> None:
    expect_same(
        catalog_mock.calls.call_count, asked_how_often, "how often the catalog was asked", ctx.last
    )


@then(step_text("{actor} has that answer within half a second of the catalog's time limit"))
def _(ctx: ScenarioContext, live_settings: Settings, actor: str) -> None:
    # A promise to callers, not a benchmark: the slack is generous for a loaded machine.
    limit = live_settings.catalog_timeout_seconds + ANSWER_SLACK_SECONDS
    waited = ctx.last.elapsed.total_seconds()
    assert waited < limit, f"{actor} waited {waited:.2f}s, more than {limit:.2f}s"


@then(step_text("{actor} is told the catalog has no such item"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 404, "External item not found", f"{actor} should be told")


@then(step_text("{actor} is told the catalog is failing"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 502, "External service error", f"{actor} should be told")


@then(step_text("{actor} is told the catalog took too long"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 504, "External service timed out", f"{actor} should be told")


@then(step_text("{actor} is told the catalog is unavailable and to retry in {number} seconds"))
def _(ctx: ScenarioContext, actor: str, number: int) -> None:
    expect_detail(ctx.last, 503, "External service unavailable", f"{actor} should be told")
    retry_after = ctx.last.headers.get("Retry-After")
    expect_same(retry_after, str(number), "when to try again", ctx.last)


@then(step_text("{actor} is told the catalog's answer was unusable"))
def _(ctx: ScenarioContext, actor: str) -> None:
    detail = "External service returned an invalid response"
    expect_detail(ctx.last, 502, detail, f"{actor} should be told")
