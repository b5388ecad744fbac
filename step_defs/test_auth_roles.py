"""features/auth_roles.feature: signing in, tokens, and the role matrix."""

import respx
from faker import Faker
from fastapi.testclient import TestClient
from pytest_bdd import given, scenarios, then, when
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import Role
from step_defs.support import api, catalog
from step_defs.support.api import ActorHeaders
from step_defs.support.capabilities import attempt
from step_defs.support.context import ScenarioContext
from step_defs.support.expect import (
    body_of,
    describe,
    expect_answer,
    expect_detail,
    expect_same,
    expect_status,
)
from step_defs.support.tokens import authorization, make_token
from step_defs.support.types import Capability, Outcome, Presentation, TokenKind, step_text

scenarios("auth_roles.feature")

LOGIN_FAILED = "Incorrect username or password"
NOT_ALLOWED = "Not enough permissions"


@given(step_text("{actor:Actor} holds no token"))
def _(ctx: ScenarioContext, actor: str) -> None:
    ctx.held_tokens[actor] = None


@given(step_text("{actor:Actor} holds a token that is {kind:TokenKind}"))
def _(ctx: ScenarioContext, test_settings: Settings, actor: str, kind: TokenKind) -> None:
    ctx.held_tokens[actor] = make_token(kind, ctx.actor(actor), test_settings)


@given(step_text("{actor:Actor} sends it {presentation:Presentation}"))
def _(ctx: ScenarioContext, actor: str, presentation: Presentation) -> None:
    token = ctx.held_tokens.get(actor)
    assert token, f"{actor} must hold a token before sending it some other way"
    ctx.sent_authorization[actor] = authorization(presentation, token, ctx.actor(actor).username)


@given(step_text("{actor:Actor}'s account has since been deleted"))
def _(ctx: ScenarioContext, db_session: Session, actor: str) -> None:
    db_session.delete(ctx.actor(actor))
    db_session.commit()


@given(step_text("{actor:Actor}'s account has since been deactivated"))
def _(ctx: ScenarioContext, db_session: Session, actor: str) -> None:
    ctx.actor(actor).is_active = False
    db_session.commit()


@given(step_text("{actor:Actor} has since been made an admin"))
def _(ctx: ScenarioContext, db_session: Session, actor: str) -> None:
    ctx.actor(actor).role = Role.ADMIN
    db_session.commit()


@given(step_text('the catalog knows item "{code:Quoted}"'))
def _(ctx: ScenarioContext, catalog_mock: respx.MockRouter, faker: Faker, code: str) -> None:
    data: dict[str, object] = {"title": faker.catch_phrase(), "stock": faker.random_int(1, 50)}
    ctx.catalog_items[code] = data
    catalog.describe_item(catalog_mock, code, data)


@when(step_text("{actor:Actor} signs in with {:Possessive} password"))
def _(ctx: ScenarioContext, client: TestClient, actor: str) -> None:
    ctx.record(api.sign_in(client, ctx.actor(actor).username, ctx.passwords[actor]))


@when(step_text('{actor:Actor} signs in with the password "{password:Quoted}"'))
def _(ctx: ScenarioContext, client: TestClient, actor: str, password: str) -> None:
    ctx.record(api.sign_in(client, ctx.actor(actor).username, password))


@when(step_text('someone signs in as "{username:Quoted}" with {actor:Actor}\'s password'))
def _(ctx: ScenarioContext, client: TestClient, username: str, actor: str) -> None:
    ctx.record(api.sign_in(client, username, ctx.passwords[actor]))


@when(step_text("{caller:Caller} tries to {capability:Capability}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    headers_for: ActorHeaders,
    faker: Faker,
    caller: str | None,
    capability: Capability,
) -> None:
    ctx.record(attempt(capability, client, ctx, caller, headers_for(caller), faker))


@then(step_text("{actor:Actor} receives an access token valid for {minutes:d} minutes"))
def _(ctx: ScenarioContext, actor: str, minutes: int) -> None:
    body = expect_answer(ctx.last, 200, f"{actor} should be signed in")
    shown = {"token_type": body["token_type"], "expires_in": body["expires_in"]}
    expected = {"token_type": "bearer", "expires_in": minutes * 60}
    expect_same(shown, expected, f"the token {actor} receives", ctx.last)


@then(step_text("the token lets {actor:Actor} act as {:Reflexive}"))
def _(ctx: ScenarioContext, client: TestClient, actor: str) -> None:
    token = body_of(ctx.last)["access_token"]
    response = api.own_record(client, api.bearer(token))
    body = expect_answer(response, 200, f"the token should be accepted for {actor}")
    expect_same(body["username"], ctx.actor(actor).username, "whom the token stands for", response)


@then(step_text("the sign-in is refused without saying which part was wrong (401)"))
def _(ctx: ScenarioContext) -> None:
    expect_detail(ctx.last, 401, LOGIN_FAILED, "the sign-in should be refused")


@then(step_text("the caller is {outcome:Outcome}"))
def _(ctx: ScenarioContext, outcome: Outcome) -> None:
    expect_status(ctx.last, outcome.status, f"the caller should be {outcome.verdict}")
    if outcome.verdict == "asked to sign in":
        challenge = ctx.last.headers.get("WWW-Authenticate")
        assert challenge == "Bearer", f"a 401 should say how to sign in\n{describe(ctx.last)}"
    elif outcome.verdict == "refused":
        expect_detail(ctx.last, outcome.status, NOT_ALLOWED, "the caller should be refused")
    else:
        assert 200 <= outcome.status < 300, f"'allowed' with status {outcome.status} is a typo"
