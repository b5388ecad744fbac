"""features/item_management.feature: browsing, reading, changing and removing items."""

from datetime import timedelta
from decimal import Decimal

from faker import Faker
from fastapi.testclient import TestClient
from pytest_bdd import given, scenarios, then, when
from sqlalchemy.orm import Session

from step_defs.conftest import DUPLICATE_ITEM
from step_defs.support import api
from step_defs.support.api import ActorHeaders
from step_defs.support.context import ItemRef, ScenarioContext
from step_defs.support.expect import expect_answer, expect_detail, expect_same, expect_status
from step_defs.support.types import step_text
from tests.support.factories import ItemFactory

scenarios("item_management.feature")


@given(step_text("these items are on offer:"))
def _(ctx: ScenarioContext, db_session: Session, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        wanted = dict(zip(header, row, strict=True))
        owner = wanted["owner"]
        item = ItemFactory(
            owner=ctx.actor(owner), name=wanted["name"], price=Decimal(wanted["price"])
        )
        ctx.items.append(ItemRef(id=item.id, name=wanted["name"], owner=owner))


@given(step_text("{actor} already offers {number} other items"))
def _(ctx: ScenarioContext, db_session: Session, faker: Faker, actor: str, number: int) -> None:
    # Names the scenario never mentions: only how many there are matters.
    owner = ctx.actor(actor)
    for index in range(number):
        ItemFactory(owner=owner, name=f"{faker.word().capitalize()} crate {index + 1}")


@when(step_text("{actor} browses the items"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.list_items(client, headers_for(actor)))


@when(
    step_text(
        "{actor} browses the items {number} at a time, skipping the first {number}",
        "actor",
        "size",
        "skip",
    )
)
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    size: int,
    skip: int,
) -> None:
    ctx.record(api.list_items(client, headers_for(actor), limit=size, offset=skip))


@when(step_text("{actor} looks for items whose name contains {search text}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    search_text: str,
) -> None:
    ctx.record(api.list_items(client, headers_for(actor), name_contains=search_text))


@when(step_text("{actor} looks at the {item name}"))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, item_name: str
) -> None:
    ctx.record(api.read_item(client, headers_for(actor), ctx.item(item_name).id))


@when(step_text("{actor} looks at an item that does not exist"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.read_item(client, headers_for(actor), api.MISSING_ID))


def _change(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    changes: dict[str, object],
) -> None:
    ctx.record(api.change_item(client, headers_for(actor), ctx.item(item_name).id, changes))


@when(step_text("{actor} changes the price of the {item name} to {price}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    price: Decimal,
) -> None:
    _change(ctx, client, headers_for, actor, item_name, {"price": str(price)})


@when(step_text("{actor} renames the {item name} to {item name}", "actor", "item_name", "new_name"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    new_name: str,
) -> None:
    _change(ctx, client, headers_for, actor, item_name, {"name": new_name})


@when(step_text("{actor} hands the {item name} over to {actor}", "actor", "item_name", "taker"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    taker: str,
) -> None:
    # Owners are not a detail a change may carry: the service must refuse, not ignore, it.
    _change(ctx, client, headers_for, actor, item_name, {"owner_id": ctx.actor(taker).id})


@when(step_text("{actor} clears the {item detail} of the {item name}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_detail: str,
    item_name: str,
) -> None:
    _change(ctx, client, headers_for, actor, item_name, {item_detail: None})


@when(step_text("{actor} removes the {item name}"))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, item_name: str
) -> None:
    ctx.record(api.remove_item(client, headers_for(actor), ctx.item(item_name).id))


@when(step_text("{actor} removes an item that does not exist"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.remove_item(client, headers_for(actor), api.MISSING_ID))


@then(step_text("the page lists these items, of {number} in total:"))
def _(ctx: ScenarioContext, number: int, datatable: list[list[str]]) -> None:
    body = expect_answer(ctx.last, 200, "the items should be listed")
    header, *rows = datatable
    expected = [dict(zip(header, row, strict=True)) for row in rows]
    shown = [
        {
            "name": item["name"],
            "owner": ctx.actor_named_for(item["owner_id"]),
            "price": item["price"],
        }
        for item in body["items"]
    ]
    expect_same(shown, expected, "the items on this page, in order", ctx.last)
    expect_same(body["total"], number, "the number of items in all", ctx.last)


@then(step_text("the page shows {number} of {number} items", "shown", "total"))
def _(ctx: ScenarioContext, shown: int, total: int) -> None:
    body = expect_answer(ctx.last, 200, "the items should be listed")
    expect_same(len(body["items"]), shown, "the number of items on this page", ctx.last)
    expect_same(body["total"], total, "the number of matching items in all", ctx.last)


@then(
    step_text(
        "{actor} sees the {item name} offered by {actor} for {price}",
        "viewer",
        "item_name",
        "owner",
        "price",
    )
)
def _(ctx: ScenarioContext, viewer: str, item_name: str, owner: str, price: Decimal) -> None:
    body = expect_answer(ctx.last, 200, f"{viewer} should see the {item_name!r}")
    shown = {"name": body["name"], "owner_id": body["owner_id"], "price": body["price"]}
    expected = {"name": item_name, "owner_id": ctx.actor(owner).id, "price": str(price)}
    expect_same(shown, expected, f"the {item_name!r} as {viewer} sees it", ctx.last)
    # The contract: times are in UTC, whatever the server's or the database's zone.
    offered = api.timestamp(body["created_at"])
    expect_same(offered.utcoffset(), timedelta(0), "when it was offered, in UTC", ctx.last)


@then(step_text("{actor} is told the item does not exist"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 404, "Item not found", f"{actor} should be told there is no such item")


@then(step_text("{actor} is told {actor} already has an item with that name", "actor", "owner"))
def _(ctx: ScenarioContext, actor: str, owner: str) -> None:
    expect_detail(ctx.last, 409, DUPLICATE_ITEM, f"{actor} should be told {owner} has that name")


@then(step_text("the item is removed"))
def _(ctx: ScenarioContext) -> None:
    expect_status(ctx.last, 204, "the item should be removed")


@then(step_text("{actor} can no longer find the {item name}"))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, item_name: str
) -> None:
    response = api.read_item(client, headers_for(actor), ctx.item(item_name).id)
    expect_status(response, 404, f"{actor} should no longer find the {item_name!r}")


@then(step_text("the {item name} still belongs to {actor}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    item_name: str,
    actor: str,
) -> None:
    response = api.read_item(client, headers_for(actor), ctx.item(item_name).id)
    body = expect_answer(response, 200, f"the {item_name!r} should still be on offer")
    expectation = f"the {item_name!r} belongs to {actor}"
    expect_same(body["owner_id"], ctx.actor(actor).id, expectation, response)
