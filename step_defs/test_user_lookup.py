"""features/user_lookup.feature: who sees what of an account."""

from fastapi.testclient import TestClient
from pytest_bdd import scenarios, then, when

from step_defs.support import api
from step_defs.support.api import ActorHeaders
from step_defs.support.context import ScenarioContext
from step_defs.support.expect import expect_answer, expect_same
from step_defs.support.types import step_text

scenarios("user_lookup.feature")


@when(step_text("{viewer:Actor} looks up {subject:Actor}"))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, viewer: str, subject: str
) -> None:
    ctx.record(api.look_up_user(client, headers_for(viewer), ctx.actor(subject).id))


@when(step_text("{viewer:Actor} looks up an account that does not exist"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, viewer: str) -> None:
    ctx.record(api.look_up_user(client, headers_for(viewer), api.MISSING_ID))


@then(step_text("{viewer:Actor} sees only the public profile of {subject:Actor}"))
def _(ctx: ScenarioContext, viewer: str, subject: str) -> None:
    user = ctx.actor(subject)
    body = expect_answer(ctx.last, 200, f"{viewer} should see {subject}'s profile")
    expected = {"id": user.id, "username": user.username, "full_name": user.full_name}
    # Equality on the whole answer: any private detail shown would make it differ.
    expect_same(body, expected, f"{subject}'s public profile, and nothing more", ctx.last)


@then(step_text("the record shows the account is deactivated"))
def _(ctx: ScenarioContext) -> None:
    body = expect_answer(ctx.last, 200, "the record should be shown")
    expect_same(body["is_active"], False, "whether the account is active", ctx.last)
