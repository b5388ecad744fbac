"""Steps shared by several features (actors, items on offer, generic outcomes) and their fixtures.

Steps used by one feature only live in that feature's test module.
"""

from datetime import datetime
from decimal import Decimal

import pytest
from faker import Faker
from fastapi.testclient import TestClient
from pytest_bdd import given, then, when
from sqlalchemy.orm import Session

from app.models import Role
from step_defs.support import api
from step_defs.support.api import ActorHeaders
from step_defs.support.context import ItemRef, ScenarioContext
from step_defs.support.expect import (
    body_of,
    describe,
    expect_answer,
    expect_detail,
    expect_refused_because_of,
    expect_same,
    expect_status,
)
from step_defs.support.types import step_text
from tests.harness.types import TokenFor
from tests.support.factories import ItemFactory, UserFactory

NOT_ALLOWED = "Not enough permissions"
DUPLICATE_ITEM = "You already have an item with this name"
NO_SUCH_ACCOUNT = "User not found"


@pytest.fixture
def ctx() -> ScenarioContext:
    return ScenarioContext()


@pytest.fixture
def headers_for(ctx: ScenarioContext, token_for: TokenFor) -> ActorHeaders:
    """The headers an actor sends: the token they hold, or a fresh one the harness signs.

    None stands for an anonymous caller, who sends no token at all.
    """

    def headers(name: str | None) -> dict[str, str]:
        if name is None:
            return {}
        if name in ctx.sent_authorization:
            return {"Authorization": ctx.sent_authorization[name]}
        if name in ctx.held_tokens:
            token = ctx.held_tokens[name]
            return {} if token is None else api.bearer(token)
        return api.bearer(token_for(ctx.actor(name)))

    return headers


# Steps that build data with the factories ask for `db_session`: that binds the factories to
# the test's transaction.
def _introduce(ctx: ScenarioContext, faker: Faker, name: str, **traits: object) -> None:
    password = faker.password(length=16)
    ctx.actors[name] = UserFactory(
        username=name.lower(), full_name=f"{name} {faker.last_name()}", password=password, **traits
    )
    ctx.passwords[name] = password


# --- Given -----------------------------------------------------------------------------------


@given(step_text("{actor:Actor} is {role:Role}"))
def _(ctx: ScenarioContext, db_session: Session, faker: Faker, actor: str, role: Role) -> None:
    _introduce(ctx, faker, actor, role=role)


@given(step_text("{actor:Actor} is a member whose account was deactivated"))
def _(ctx: ScenarioContext, db_session: Session, faker: Faker, actor: str) -> None:
    _introduce(ctx, faker, actor, inactive=True)


@given(step_text('{actor:Actor} already offers {:Article} "{name:Quoted}" for {price:Money}'))
def _(ctx: ScenarioContext, db_session: Session, actor: str, name: str, price: Decimal) -> None:
    item = ItemFactory(owner=ctx.actor(actor), name=name, price=price)
    ctx.items.append(ItemRef(id=item.id, name=name, owner=actor))


# --- When ------------------------------------------------------------------------------------


@when(step_text("{actor:Actor} looks {:Reflexive} up"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.own_record(client, headers_for(actor)))


# --- Then: outcomes any feature may reach ------------------------------------------------------


@then(step_text("the change is saved (200)"))
def _(ctx: ScenarioContext) -> None:
    expect_status(ctx.last, 200, "the change should be saved")


@then(step_text("the request is refused as invalid (422)"))
def _(ctx: ScenarioContext) -> None:
    expect_status(ctx.last, 422, "the request should be refused as invalid")
    assert body_of(ctx.last)["detail"], f"a refusal should say what is wrong\n{describe(ctx.last)}"


@then(step_text("{actor:Actor} is told {:Pronoun} is not allowed (403)"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 403, NOT_ALLOWED, f"{actor} should be told this is not allowed")


@then(step_text("{actor:Actor} is asked to sign in (401)"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_status(ctx.last, 401, f"{actor} should be asked to sign in")
    expect_same(
        ctx.last.headers.get("WWW-Authenticate"),
        "Bearer",
        "a request to sign in should say how",
        ctx.last,
    )


@then(step_text("{actor:Actor} is told there is no such account (404)"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 404, NO_SUCH_ACCOUNT, f"{actor} should be told there is none")


@then(step_text('{actor:Actor} {able:Can} sign in as "{username:Quoted}"'))
def _(ctx: ScenarioContext, client: TestClient, actor: str, able: bool, username: str) -> None:
    response = api.sign_in(client, username, ctx.passwords[actor])
    if able:
        expect_status(response, 200, f"{actor} should be able to sign in as {username!r}")
    else:
        # An empty password is refused as an incomplete form before any account is consulted.
        refusal = 401 if ctx.passwords[actor] else 422
        expect_status(response, refusal, f"{actor} should not be able to sign in as {username!r}")


@then(step_text("{viewer:Actor} sees the full record of {subject:Actor}"))
def _(ctx: ScenarioContext, viewer: str, subject: str) -> None:
    user = ctx.actor(subject)
    body = expect_answer(ctx.last, 200, f"{viewer} should see {subject}'s record")
    expected = {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role.value,
        "is_active": user.is_active,
    }
    shown = {key: body.get(key) for key in expected}
    expect_same(shown, expected, f"{viewer} should see all of {subject}'s record", ctx.last)
    created = datetime.fromisoformat(body["created_at"])
    assert created.utcoffset() is not None, f"times should carry their zone\n{describe(ctx.last)}"


# --- Then: items -----------------------------------------------------------------------------


@then(step_text("the item is refused because of its {field:ItemField} (422)"))
def _(ctx: ScenarioContext, field: str) -> None:
    expect_refused_because_of(ctx.last, field, f"the item should be refused because of its {field}")


@then(step_text("{actor:Actor} is told {:Pronoun} already has an item with that name (409)"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 409, DUPLICATE_ITEM, f"{actor} should be told the name is taken")


@then(step_text('the "{name:Quoted}" is priced at {price:Money}'))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, name: str, price: Decimal
) -> None:
    ref = ctx.item(name)
    response = api.read_item(client, headers_for(ref.owner), ref.id)
    body = expect_answer(response, 200, f"the {name!r} should still be on offer")
    # Compared as text: the service promises prices written to the cent, such as "15.00".
    expect_same(body["price"], str(price), f"the {name!r} should be priced at {price}", response)


@then(step_text("{actor:Actor}'s items are:"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    datatable: list[list[str]],
) -> None:
    owner_id = ctx.actor(actor).id
    response = api.list_items(client, headers_for(actor), limit=100)
    body = expect_answer(response, 200, f"{actor} should be able to browse the items")
    header, *rows = datatable
    expected = [dict(zip(header, row, strict=True)) for row in rows]
    actual = [
        {column: str(item[column]) for column in header}
        for item in body["items"]
        if item["owner_id"] == owner_id
    ]
    expect_same(actual, expected, f"{actor}'s items, oldest first", response)
