"""features/item_creation.feature: offering items and the rules an item must follow."""

from collections.abc import Mapping
from decimal import Decimal

from faker import Faker
from fastapi.testclient import TestClient
from pytest_bdd import scenarios, then, when

from step_defs.support import api
from step_defs.support.api import ActorHeaders
from step_defs.support.context import ItemRef, ScenarioContext
from step_defs.support.expect import (
    body_of,
    expect_answer,
    expect_refused_because_of,
    expect_same,
    expect_status,
)
from step_defs.support.types import step_text

scenarios("item_creation.feature")

PRICE_NOTATION = "Value error, must be written like 12.50: digits, then at most two decimals"


def _offer(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    details: Mapping[str, object],
) -> None:
    ctx.sent = dict(details)
    response = ctx.record(api.offer_item(client, headers_for(actor), details))
    if response.status_code == 201:
        body = body_of(response)
        ctx.items.append(ItemRef(id=body["id"], name=body["name"], owner=actor))


def _some_price(faker: Faker) -> str:
    return str(faker.pydecimal(left_digits=3, right_digits=2, positive=True, min_value=1))


@when(step_text("{actor:Actor} offers these items:"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    datatable: list[list[str]],
) -> None:
    header, *rows = datatable
    for row in rows:
        # An empty cell means the member left that detail out.
        details = {column: value for column, value in zip(header, row, strict=True) if value}
        _offer(ctx, client, headers_for, actor, details)


@when(step_text('{actor:Actor} offers {:Article} "{name:Quoted}" {price:PriceTerm}'))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    name: str,
    price: Decimal | None,
) -> None:
    details: dict[str, object] = {"name": name}
    if price is not None:
        details["price"] = str(price)
    _offer(ctx, client, headers_for, actor, details)


@when(step_text('{actor:Actor} offers {:Article} "{name:Quoted}" priced "{written:Quoted}"'))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    name: str,
    written: str,
) -> None:
    # The price as the member typed it, sent as text: the service reads no other notation.
    _offer(ctx, client, headers_for, actor, {"name": name, "price": written})


@when(step_text('{actor:Actor} offers {:Article} "{name:Quoted}" for {price:Money}, described as:'))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    name: str,
    price: Decimal,
    docstring: str,
) -> None:
    details = {"name": name, "price": str(price), "description": docstring}
    _offer(ctx, client, headers_for, actor, details)


@when(step_text("{actor:Actor} offers an item whose {field:ItemField} is {text:Shape}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    faker: Faker,
    actor: str,
    field: str,
    text: str,
) -> None:
    details: dict[str, object] = {"name": "Walnut desk organiser", "price": _some_price(faker)}
    details[field] = text
    _offer(ctx, client, headers_for, actor, details)


@then(step_text("every item is accepted (201)"))
def _(ctx: ScenarioContext) -> None:
    assert ctx.responses, "no item was offered"
    for number, response in enumerate(ctx.responses, start=1):
        expect_status(response, 201, f"item {number} of {len(ctx.responses)} should be accepted")


@then(step_text("the item is accepted (201)"))
def _(ctx: ScenarioContext) -> None:
    body = expect_answer(ctx.last, 201, "the item should be accepted")
    expect_same(body["name"], str(ctx.sent["name"]).strip(), "the item keeps its name", ctx.last)


@then(step_text("the item is refused because its price must be written like 12.50 (422)"))
def _(ctx: ScenarioContext) -> None:
    expectation = "the item should be refused with an example of how to write a price"
    expect_refused_because_of(ctx.last, "price", expectation)
    messages = [error["msg"] for error in body_of(ctx.last)["detail"]]
    expect_same(messages, [PRICE_NOTATION], expectation, ctx.last)


@then(step_text('the "{name:Quoted}" is described exactly as offered'))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, name: str) -> None:
    ref = ctx.item(name)
    response = api.read_item(client, headers_for(ref.owner), ref.id)
    body = expect_answer(response, 200, f"the {name!r} should be on offer")
    offered = ctx.sent["description"]
    expect_same(body["description"], offered, "the description, word for word", response)


@then(step_text('the "{name:Quoted}" has no description'))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, name: str) -> None:
    ref = ctx.item(name)
    response = api.read_item(client, headers_for(ref.owner), ref.id)
    body = expect_answer(response, 200, f"the {name!r} should be on offer")
    expect_same(body["description"], None, f"the {name!r} should have no description", response)


@then(step_text("{actor:Actor} has no items"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    owner_id = ctx.actor(actor).id
    response = api.list_items(client, headers_for(actor), limit=100)
    body = expect_answer(response, 200, f"{actor} should be able to browse the items")
    owned = [item for item in body["items"] if item["owner_id"] == owner_id]
    expect_same(owned, [], f"{actor} should have no items", response)


@then(step_text('there are {count:d} items named "{name:Quoted}" on offer'))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    count: int,
    name: str,
) -> None:
    someone = next(iter(ctx.actors))
    response = api.list_items(client, headers_for(someone), name_contains=name, limit=100)
    body = expect_answer(response, 200, "the items should be listed")
    named = [item for item in body["items"] if item["name"] == name]
    expect_same(len(named), count, f"the number of items named {name!r}", response)
