"""features/item_creation.feature: offering items and the rules an item must follow."""

import unicodedata
from decimal import Decimal

from faker import Faker
from fastapi.testclient import TestClient
from pytest_bdd import scenarios, then, when

from step_defs.conftest import offer
from step_defs.support import api
from step_defs.support.api import ActorHeaders
from step_defs.support.context import ScenarioContext
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


def _some_price(faker: Faker) -> str:
    return str(faker.pydecimal(left_digits=3, right_digits=2, positive=True, min_value=1))


@when(step_text("{actor} offers these items:"))
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
        offer(ctx, client, headers_for, actor, details)


@when(step_text("{actor} offers a/an {item name} without a price"))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, item_name: str
) -> None:
    offer(ctx, client, headers_for, actor, {"name": item_name})


@when(
    step_text(
        "{actor} offers a/an {item name} for {price} on {actor}'s behalf",
        "actor",
        "item_name",
        "price",
        "owner",
    )
)
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    price: Decimal,
    owner: str,
) -> None:
    details = {"name": item_name, "price": str(price), "owner_id": ctx.actor(owner).id}
    offer(ctx, client, headers_for, actor, details)


@when(
    step_text(
        "{actor} offers a/an {item name} typed with its accents as separate marks, for {price}"
    )
)
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    price: Decimal,
) -> None:
    # "é" sent as "e" followed by a combining accent: the same name, typed another way.
    decomposed = unicodedata.normalize("NFD", item_name)
    assert decomposed != item_name, f"{item_name!r} has no accent to type separately"
    offer(ctx, client, headers_for, actor, {"name": decomposed, "price": str(price)})


@when(step_text("{actor} offers a/an {item name} priced {written price}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    written_price: str,
) -> None:
    # The price as the member typed it, sent as text: the service reads no other notation.
    offer(ctx, client, headers_for, actor, {"name": item_name, "price": written_price})


@when(step_text("{actor} offers a/an {item name} for {price}, described as:"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    price: Decimal,
    docstring: str,
) -> None:
    details = {"name": item_name, "price": str(price), "description": docstring}
    offer(ctx, client, headers_for, actor, details)


@when(step_text("{actor} offers an item whose {item detail} is {text shape}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    faker: Faker,
    actor: str,
    item_detail: str,
    text_shape: str,
) -> None:
    details: dict[str, object] = {"name": "Walnut desk organiser", "price": _some_price(faker)}
    details[item_detail] = text_shape
    offer(ctx, client, headers_for, actor, details)


@then(step_text("every item is accepted"))
def _(ctx: ScenarioContext) -> None:
    assert ctx.responses, "no item was offered"
    for number, response in enumerate(ctx.responses, start=1):
        expect_status(response, 201, f"item {number} of {len(ctx.responses)} should be accepted")


@then(step_text("the item is accepted"))
def _(ctx: ScenarioContext) -> None:
    body = expect_answer(ctx.last, 201, "the item should be accepted")
    sent = unicodedata.normalize("NFC", str(ctx.sent["name"])).strip()
    expect_same(body["name"], sent, "the item keeps its name", ctx.last)


@then(step_text("the item is refused because its price must be written like 12.50"))
def _(ctx: ScenarioContext) -> None:
    expectation = "the item should be refused with an example of how to write a price"
    expect_refused_because_of(ctx.last, "price", expectation)
    messages = [error["msg"] for error in body_of(ctx.last)["detail"]]
    expect_same(messages, [PRICE_NOTATION], expectation, ctx.last)


@then(step_text("the {item name} is described exactly as offered"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, item_name: str) -> None:
    ref = ctx.item(item_name)
    response = api.read_item(client, headers_for(ref.owner), ref.id)
    body = expect_answer(response, 200, f"the {item_name!r} should be on offer")
    offered = ctx.sent["description"]
    expect_same(body["description"], offered, "the description, word for word", response)


@then(step_text("there are {number} items named {item name} on offer"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    number: int,
    item_name: str,
) -> None:
    someone = next(iter(ctx.actors))
    response = api.list_items(client, headers_for(someone), name_contains=item_name, limit=100)
    body = expect_answer(response, 200, "the items should be listed")
    named = [item for item in body["items"] if item["name"] == item_name]
    expect_same(len(named), number, f"the number of items named {item_name!r}", response)
