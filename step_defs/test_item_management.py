"""features/item_management.feature: browsing, reading, changing and removing items."""

from decimal import Decimal

from fastapi.testclient import TestClient
from pytest_bdd import given, scenarios, then, when
from sqlalchemy.orm import Session

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


@when(step_text("{actor:Actor} browses the items"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.list_items(client, headers_for(actor)))


@when(step_text("{actor:Actor} browses the items {size:d} at a time, skipping the first {skip:d}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    size: int,
    skip: int,
) -> None:
    ctx.record(api.list_items(client, headers_for(actor), limit=size, offset=skip))


@when(step_text('{actor:Actor} looks for items whose name contains "{text:Quoted}"'))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, text: str
) -> None:
    ctx.record(api.list_items(client, headers_for(actor), name_contains=text))


@when(step_text('{actor:Actor} looks at the "{name:Quoted}"'))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, name: str
) -> None:
    ctx.record(api.read_item(client, headers_for(actor), ctx.item(name).id))


@when(step_text("{actor:Actor} looks at an item that does not exist"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.read_item(client, headers_for(actor), api.MISSING_ID))


@when(step_text('{actor:Actor} changes the price of the "{name:Quoted}" to {price:Money}'))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    name: str,
    price: Decimal,
) -> None:
    changes = {"price": str(price)}
    ctx.record(api.change_item(client, headers_for(actor), ctx.item(name).id, changes))


@when(step_text('{actor:Actor} renames the "{name:Quoted}" to "{new_name:Quoted}"'))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    name: str,
    new_name: str,
) -> None:
    changes = {"name": new_name}
    ctx.record(api.change_item(client, headers_for(actor), ctx.item(name).id, changes))


@when(step_text('{actor:Actor} removes the "{name:Quoted}"'))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, name: str
) -> None:
    ctx.record(api.remove_item(client, headers_for(actor), ctx.item(name).id))


@when(step_text("{actor:Actor} removes an item that does not exist"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.remove_item(client, headers_for(actor), api.MISSING_ID))


@then(step_text("the page lists these items, of {total:d} in total:"))
def _(ctx: ScenarioContext, total: int, datatable: list[list[str]]) -> None:
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
    expect_same(body["total"], total, "the number of items in all", ctx.last)


@then(step_text("the page shows {shown:d} of {total:d} items"))
def _(ctx: ScenarioContext, shown: int, total: int) -> None:
    body = expect_answer(ctx.last, 200, "the items should be listed")
    expect_same(len(body["items"]), shown, "the number of items on this page", ctx.last)
    expect_same(body["total"], total, "the number of matching items in all", ctx.last)


@then(
    step_text('{viewer:Actor} sees the "{name:Quoted}" offered by {owner:Actor} for {price:Money}')
)
def _(ctx: ScenarioContext, viewer: str, name: str, owner: str, price: Decimal) -> None:
    body = expect_answer(ctx.last, 200, f"{viewer} should see the {name!r}")
    shown = {"name": body["name"], "owner_id": body["owner_id"], "price": body["price"]}
    expected = {"name": name, "owner_id": ctx.actor(owner).id, "price": str(price)}
    expect_same(shown, expected, f"the {name!r} as {viewer} sees it", ctx.last)


@then(step_text("{actor:Actor} is told the item does not exist (404)"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 404, "Item not found", f"{actor} should be told there is no such item")


@then(step_text("the item is removed (204)"))
def _(ctx: ScenarioContext) -> None:
    expect_status(ctx.last, 204, "the item should be removed")


@then(step_text('{actor:Actor} can no longer find the "{name:Quoted}"'))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, name: str
) -> None:
    response = api.read_item(client, headers_for(actor), ctx.item(name).id)
    expect_status(response, 404, f"{actor} should no longer find the {name!r}")


@then(step_text('the "{name:Quoted}" still belongs to {owner:Actor}'))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, name: str, owner: str
) -> None:
    response = api.read_item(client, headers_for(owner), ctx.item(name).id)
    body = expect_answer(response, 200, f"the {name!r} should still be on offer")
    expect_same(body["owner_id"], ctx.actor(owner).id, f"the {name!r} belongs to {owner}", response)
