"""features/user_administration.feature: listing accounts, granting and withdrawing rights."""

from fastapi.testclient import TestClient
from pytest_bdd import given, scenarios, then, when

from app.models import Role
from step_defs.conftest import NOT_ALLOWED
from step_defs.support import api
from step_defs.support.api import ActorHeaders
from step_defs.support.context import ScenarioContext
from step_defs.support.expect import expect_answer, expect_detail, expect_same, expect_status
from step_defs.support.types import step_text

scenarios("user_administration.feature")

SELF_LOCKOUT = "Admins cannot demote or deactivate themselves"
YES_NO = {True: "yes", False: "no"}


def _change(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    person: str | None,
    changes: dict[str, object],
) -> None:
    target = ctx.actor(person or actor)
    ctx.record(api.change_user(client, headers_for(actor), target.id, changes))


@given(step_text("{actor} has since reactivated {person}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    person: str | None,
) -> None:
    target = ctx.actor(person or actor)
    response = api.change_user(client, headers_for(actor), target.id, {"is_active": True})
    expect_status(response, 200, f"{actor} should have reactivated {person or actor}")


@when(step_text("{actor} lists the accounts"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.list_users(client, headers_for(actor)))


@when(
    step_text(
        "{actor} lists the accounts {number} at a time, skipping the first {number}",
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
    ctx.record(api.list_users(client, headers_for(actor), limit=size, offset=skip))


@when(step_text("{actor} makes {person} {role}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    person: str | None,
    role: Role,
) -> None:
    _change(ctx, client, headers_for, actor, person, {"role": role.value})


@when(step_text("{actor} deactivates {person}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    person: str | None,
) -> None:
    _change(ctx, client, headers_for, actor, person, {"is_active": False})


@when(step_text("{actor} reactivates {person}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    person: str | None,
) -> None:
    _change(ctx, client, headers_for, actor, person, {"is_active": True})


@when(step_text("{actor} deactivates an account that does not exist"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    changes = {"is_active": False}
    ctx.record(api.change_user(client, headers_for(actor), api.MISSING_ID, changes))


@then(step_text("the page lists these accounts, of {number} in total:"))
def _(ctx: ScenarioContext, number: int, datatable: list[list[str]]) -> None:
    body = expect_answer(ctx.last, 200, "the accounts should be listed")
    header, *rows = datatable
    expected = [dict(zip(header, row, strict=True)) for row in rows]
    shown = [
        {"username": user["username"], "role": user["role"], "active": YES_NO[user["is_active"]]}
        for user in body["items"]
    ]
    expect_same(shown, expected, "the accounts on this page, in order", ctx.last)
    expect_same(body["total"], number, "the number of accounts in all", ctx.last)


@then(step_text("{actor} {can or cannot} list every account"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    can_or_cannot: bool,
) -> None:
    # With the token the actor holds: the one from their sign-in, before any change of role.
    response = api.list_users(client, headers_for(actor))
    if can_or_cannot:
        expect_status(response, 200, f"{actor} should be able to list every account")
    else:
        expect_detail(response, 403, NOT_ALLOWED, f"{actor} should not be able to list them")


@then(step_text("{actor} is told admins cannot demote or deactivate themselves"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 409, SELF_LOCKOUT, f"{actor} should be stopped from locking out")


@then(step_text("{actor}'s earlier sign-in is refused"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_status(ctx.last, 401, f"{actor}'s token from before the deactivation should not work")
    expect_same(
        ctx.last.headers.get("WWW-Authenticate"),
        "Bearer",
        "a request to sign in again should say how",
        ctx.last,
    )
