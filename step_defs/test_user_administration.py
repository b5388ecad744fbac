"""features/user_administration.feature: listing accounts, granting and withdrawing rights."""

from fastapi.testclient import TestClient
from pytest_bdd import given, scenarios, then, when

from app.models import Role
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
    subject: str | None,
    changes: dict[str, object],
) -> None:
    target = ctx.actor(subject or actor)
    ctx.record(api.change_user(client, headers_for(actor), target.id, changes))


@given(step_text("{actor:Actor} has signed in"))
def _(ctx: ScenarioContext, client: TestClient, actor: str) -> None:
    # A real sign-in: the token is the one the service issued, held for later steps.
    response = api.sign_in(client, ctx.actor(actor).username, ctx.passwords[actor])
    body = expect_answer(response, 200, f"{actor} should be signed in")
    ctx.held_tokens[actor] = body["access_token"]


@given(step_text("{actor:Actor} has deactivated {subject:Subject}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    subject: str | None,
) -> None:
    target = ctx.actor(subject or actor)
    response = api.change_user(client, headers_for(actor), target.id, {"is_active": False})
    expect_status(response, 200, f"{actor} should have deactivated {subject}")


@given(step_text("{actor:Actor} has since reactivated {subject:Subject}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    subject: str | None,
) -> None:
    target = ctx.actor(subject or actor)
    response = api.change_user(client, headers_for(actor), target.id, {"is_active": True})
    expect_status(response, 200, f"{actor} should have reactivated {subject}")


@when(step_text("{actor:Actor} lists the accounts"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.list_users(client, headers_for(actor)))


@when(step_text("{actor:Actor} lists the accounts {size:d} at a time, skipping the first {skip:d}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    size: int,
    skip: int,
) -> None:
    ctx.record(api.list_users(client, headers_for(actor), limit=size, offset=skip))


@when(step_text("{actor:Actor} makes {subject:Subject} {role:Role}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    subject: str | None,
    role: Role,
) -> None:
    _change(ctx, client, headers_for, actor, subject, {"role": role.value})


@when(step_text("{actor:Actor} deactivates {subject:Subject}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    subject: str | None,
) -> None:
    _change(ctx, client, headers_for, actor, subject, {"is_active": False})


@when(step_text("{actor:Actor} reactivates {subject:Subject}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    actor: str,
    subject: str | None,
) -> None:
    _change(ctx, client, headers_for, actor, subject, {"is_active": True})


@when(step_text("{actor:Actor} deactivates an account that does not exist"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    changes = {"is_active": False}
    ctx.record(api.change_user(client, headers_for(actor), api.MISSING_ID, changes))


@then(step_text("the page lists these accounts, of {total:d} in total:"))
def _(ctx: ScenarioContext, total: int, datatable: list[list[str]]) -> None:
    body = expect_answer(ctx.last, 200, "the accounts should be listed")
    header, *rows = datatable
    expected = [dict(zip(header, row, strict=True)) for row in rows]
    shown = [
        {"username": user["username"], "role": user["role"], "active": YES_NO[user["is_active"]]}
        for user in body["items"]
    ]
    expect_same(shown, expected, "the accounts on this page, in order", ctx.last)
    expect_same(body["total"], total, "the number of accounts in all", ctx.last)


@then(step_text("{actor:Actor} {able:Can} list every account"))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str, able: bool
) -> None:
    response = api.list_users(client, headers_for(actor))
    if able:
        expect_status(response, 200, f"{actor} should be able to list every account")
    else:
        expect_status(response, 403, f"{actor} should not be able to list the accounts")


@then(step_text("{actor:Actor} is told admins cannot demote or deactivate themselves (409)"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 409, SELF_LOCKOUT, f"{actor} should be stopped from locking out")


@then(step_text("{actor:Actor}'s earlier sign-in is refused"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_status(ctx.last, 401, f"{actor}'s token from before the deactivation should not work")
    expect_same(
        ctx.last.headers.get("WWW-Authenticate"),
        "Bearer",
        "a request to sign in again should say how",
        ctx.last,
    )
