"""features/user_lookup.feature: who sees what of an account."""

from fastapi.testclient import TestClient
from pytest_bdd import scenarios, then, when

from step_defs.conftest import FULL_RECORD, expect_full_record
from step_defs.support import api
from step_defs.support.api import ActorHeaders
from step_defs.support.context import ScenarioContext
from step_defs.support.expect import expect_answer, expect_same
from step_defs.support.types import RECORD_DETAILS, step_text

scenarios("user_lookup.feature")

PUBLIC_PROFILE = ("id", "username", "full_name")


def _details(datatable: list[list[str]]) -> tuple[str, ...]:
    """The details a one-row table names, as the service calls them."""
    (names,) = datatable
    unknown = [name for name in names if name not in RECORD_DETAILS]
    assert not unknown, (
        f"no such detail of an account: {unknown}; say one of {list(RECORD_DETAILS)}"
    )
    return tuple(RECORD_DETAILS[name] for name in names)


@when(step_text("{actor} looks up {actor}", "viewer", "subject"))
def _(
    ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, viewer: str, subject: str
) -> None:
    ctx.record(api.look_up_user(client, headers_for(viewer), ctx.actor(subject).id))


@when(step_text("{actor} looks up an account that does not exist"))
def _(ctx: ScenarioContext, client: TestClient, headers_for: ActorHeaders, actor: str) -> None:
    ctx.record(api.look_up_user(client, headers_for(actor), api.MISSING_ID))


@then(step_text("{actor} sees the full record of {actor}, which is:", "viewer", "subject"))
def _(ctx: ScenarioContext, viewer: str, subject: str, datatable: list[list[str]]) -> None:
    # What the feature spells out is what the shorter wording checks everywhere else.
    expect_same(_details(datatable), FULL_RECORD, "the details of a full record", ctx.last)
    expect_full_record(ctx, viewer, subject)


@then(step_text("{actor} sees only the public profile of {actor}, which is:", "viewer", "subject"))
def _(ctx: ScenarioContext, viewer: str, subject: str, datatable: list[list[str]]) -> None:
    expect_same(_details(datatable), PUBLIC_PROFILE, "the details of a public profile", ctx.last)
    user = ctx.actor(subject)
    body = expect_answer(ctx.last, 200, f"{viewer} should see {subject}'s profile")
    expected = {"id": user.id, "username": user.username, "full_name": user.full_name}
    # Equality on the whole answer: any private detail shown would make it differ.
    expect_same(body, expected, f"{subject}'s public profile, and nothing more", ctx.last)


@then(step_text("the record shows the account is deactivated"))
def _(ctx: ScenarioContext) -> None:
    body = expect_answer(ctx.last, 200, "the record should be shown")
    expect_same(body["is_active"], False, "whether the account is active", ctx.last)
