"""Steps shared by several features (actors, items on offer, generic outcomes) and their fixtures.

Steps used by one feature only live in that feature's test module. A feature file without a
module of its own runs with the steps here alone (test_features.py binds it): `make steps`
lists them as the wordings any feature may use.
"""

from collections.abc import Mapping
from datetime import timedelta
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
from step_defs.support.types import RECORD_DETAILS, step_text
from tests.support.factories import ItemFactory, UserFactory

NOT_ALLOWED = "Not enough permissions"
DUPLICATE_ITEM = "You already have an item with this name"
NO_SUCH_ACCOUNT = "User not found"
# The details of an account's full record, as the service answers them (features/user_lookup
# spells them out, and its step checks that both lists agree).
FULL_RECORD = tuple(RECORD_DETAILS.values())


@pytest.fixture
def ctx() -> ScenarioContext:
    return ScenarioContext()


def sign_in(ctx: ScenarioContext, client: TestClient, name: str) -> str:
    """Sign `name` in the way users do, with their username and password; keep the token."""
    response = api.sign_in(client, ctx.actor(name).username, ctx.passwords[name])
    body = expect_answer(response, 200, f"{name} should be able to sign in before acting")
    ctx.held_tokens[name] = body["access_token"]
    return ctx.held_tokens[name]


@pytest.fixture
def headers_for(ctx: ScenarioContext, client: TestClient) -> ActorHeaders:
    """The headers an actor sends: the token the service issued them when they signed in.

    An actor who holds no token yet signs in first, as a user of the service would, so every
    right a scenario checks is checked on a real sign-in. None stands for an anonymous caller,
    who sends no token at all.
    """

    def headers(name: str | None) -> dict[str, str]:
        if name is None:
            return {}
        token = ctx.held_tokens.get(name) or sign_in(ctx, client, name)
        return api.bearer(token)

    return headers


# Steps that build data with the factories ask for `db_session`: that binds the factories to
# the test's transaction.
def _introduce(ctx: ScenarioContext, faker: Faker, name: str, **traits: object) -> None:
    password = faker.password(length=16)
    ctx.actors[name] = UserFactory(
        username=name.lower(), full_name=f"{name} {faker.last_name()}", password=password, **traits
    )
    ctx.passwords[name] = password


def offer(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    details: Mapping[str, object],
) -> None:
    """`actor` offers an item with `details`; an accepted item joins the scenario's items."""
    ctx.sent = dict(details)
    response = ctx.record(api.offer_item(client, headers_for(actor), details))
    if response.status_code == 201:
        body = body_of(response)
        ctx.items.append(ItemRef(id=body["id"], name=body["name"], owner=actor))


# --- Given -----------------------------------------------------------------------------------


@given(step_text("{actor} is {role}"))
def _(ctx: ScenarioContext, db_session: Session, faker: Faker, actor: str, role: Role) -> None:
    _introduce(ctx, faker, actor, role=role)


@given(step_text("{actor} is a member whose account was deactivated"))
def _(ctx: ScenarioContext, db_session: Session, faker: Faker, actor: str) -> None:
    _introduce(ctx, faker, actor, inactive=True)


@given(step_text("{actor} already offers a/an {item name} for {price}"))
def _(
    ctx: ScenarioContext, db_session: Session, actor: str, item_name: str, price: Decimal
) -> None:
    item = ItemFactory(owner=ctx.actor(actor), name=item_name, price=price)
    ctx.items.append(ItemRef(id=item.id, name=item_name, owner=actor))


@given(step_text("{actor} has signed in"))
def _(ctx: ScenarioContext, client: TestClient, actor: str) -> None:
    sign_in(ctx, client, actor)


@given(step_text("{actor} has deactivated {person}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    person: str | None,
) -> None:
    target = ctx.actor(person or actor)
    response = api.change_user(client, headers_for(actor), target.id, {"is_active": False})
    expect_status(response, 200, f"{actor} should have deactivated {person or actor}")


# --- When ------------------------------------------------------------------------------------


@when(step_text("{actor} looks herself/himself/themselves up"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.own_record(client, headers_for(actor)))


@when(step_text("{actor} offers a/an {item name} for {price}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    item_name: str,
    price: Decimal,
) -> None:
    # Sent as a JSON number, as the sentence writes it: 15, 12.5, 12.345.
    details = {"name": item_name, "price": api.as_json_number(price)}
    offer(ctx, client, headers_for, actor, details)


# --- Then: outcomes any feature may reach ------------------------------------------------------


@then(step_text("the change is saved"))
def _(ctx: ScenarioContext) -> None:
    expect_status(ctx.last, 200, "the change should be saved")


@then(step_text("the request is refused as invalid"))
def _(ctx: ScenarioContext) -> None:
    expect_status(ctx.last, 422, "the request should be refused as invalid")
    assert body_of(ctx.last)["detail"], f"a refusal should say what is wrong\n{describe(ctx.last)}"


@then(step_text("{actor} is told he/she/they is/are not allowed"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 403, NOT_ALLOWED, f"{actor} should be told this is not allowed")


@then(step_text("{actor} is asked to sign in"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_status(ctx.last, 401, f"{actor} should be asked to sign in")
    expect_same(
        ctx.last.headers.get("WWW-Authenticate"),
        "Bearer",
        "a request to sign in should say how",
        ctx.last,
    )


@then(step_text("{actor} is told there is no such account"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 404, NO_SUCH_ACCOUNT, f"{actor} should be told there is none")


@then(step_text("{actor} {can or cannot} sign in as {username}"))
def _(
    ctx: ScenarioContext, client: TestClient, actor: str, can_or_cannot: bool, username: str
) -> None:
    response = api.sign_in(client, username, ctx.passwords[actor])
    if can_or_cannot:
        expect_status(response, 200, f"{actor} should be able to sign in as {username!r}")
    else:
        # An empty password is refused as an incomplete form before any account is consulted.
        refusal = 401 if ctx.passwords[actor] else 422
        expect_status(response, refusal, f"{actor} should not be able to sign in as {username!r}")


def expect_full_record(ctx: ScenarioContext, viewer: str, subject: str) -> None:
    """The last answer is `subject`'s whole record (FULL_RECORD), as `viewer` should see it."""
    user = ctx.actor(subject)
    body = expect_answer(ctx.last, 200, f"{viewer} should see {subject}'s record")
    expect_same(sorted(body), sorted(FULL_RECORD), f"the details of {subject}'s record", ctx.last)
    expected = {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role.value,
        "is_active": user.is_active,
    }
    shown = {key: body[key] for key in expected}
    expect_same(shown, expected, f"{viewer} should see all of {subject}'s record", ctx.last)
    # The contract: times are in UTC, whatever the server's or the database's zone.
    joined = api.timestamp(body["created_at"])
    expect_same(joined.utcoffset(), timedelta(0), "when the account was created, in UTC", ctx.last)


@then(step_text("{actor} sees the full record of {actor}", "viewer", "subject"))
def _(ctx: ScenarioContext, viewer: str, subject: str) -> None:
    expect_full_record(ctx, viewer, subject)


# --- Then: items -----------------------------------------------------------------------------


@then(step_text("the item is refused because of its {item detail}"))
def _(ctx: ScenarioContext, item_detail: str) -> None:
    expectation = f"the item should be refused because of its {item_detail}"
    expect_refused_because_of(ctx.last, item_detail, expectation)


@then(step_text("{actor} is told he/she/they already has/have an item with that name"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 409, DUPLICATE_ITEM, f"{actor} should be told the name is taken")


@then(step_text("the {item name} is priced at {price}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    item_name: str,
    price: Decimal,
) -> None:
    ref = ctx.item(item_name)
    response = api.read_item(client, headers_for(ref.owner), ref.id)
    body = expect_answer(response, 200, f"the {item_name!r} should still be on offer")
    # Compared as text: the service promises prices written to the cent, such as "15.00".
    expectation = f"the {item_name!r} should be priced at {price}"
    expect_same(body["price"], str(price), expectation, response)


@then(step_text("{actor}'s items are:"))
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


@then(step_text("{actor} has no items"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    owner_id = ctx.actor(actor).id
    response = api.list_items(client, headers_for(actor), limit=100)
    body = expect_answer(response, 200, f"{actor} should be able to browse the items")
    owned = [item for item in body["items"] if item["owner_id"] == owner_id]
    expect_same(owned, [], f"{actor} should have no items", response)


@then(step_text("the {item name} has no description"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, item_name: str) -> None:
    ref = ctx.item(item_name)
    response = api.read_item(client, headers_for(ref.owner), ref.id)
    body = expect_answer(response, 200, f"the {item_name!r} should be on offer")
    expectation = f"the {item_name!r} should have no description"
    expect_same(body["description"], None, expectation, response)
