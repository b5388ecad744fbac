"""features/auth_roles.feature: signing in, how long a sign-in lasts, calls without one, and
the throttle on failed sign-ins."""

from datetime import UTC, datetime, timedelta

import respx
from faker import Faker
from fastapi.testclient import TestClient
from pytest_bdd import given, scenarios, then, when

from app.config import Settings
from app.services.throttle import TOO_MANY_FAILURES
from step_defs.support import api, catalog
from step_defs.support.capabilities import attempt
from step_defs.support.context import ScenarioContext
from step_defs.support.expect import (
    body_of,
    expect_answer,
    expect_detail,
    expect_same,
    expect_status,
)
from step_defs.support.types import Capability, step_text
from tests.support import tokens
from tests.support.fakes.clock import FakeClock

scenarios("auth_roles.feature")

LOGIN_FAILED = "Incorrect username or password"
WRONG_PASSWORD = "not-the-password"


def _expect_throttled(ctx: ScenarioContext, response: api.Response, minutes: int) -> None:
    expect_detail(response, 429, TOO_MANY_FAILURES, "the sign-in should be refused for now")
    wait = response.headers.get("Retry-After")
    expect_same(wait, str(minutes * 60), "how many seconds to wait", response)


def _fail_to_sign_in(client: TestClient, username: str, failures: int) -> api.Response:
    """`failures` wrong passwords for `username`, each refused as wrong, not yet as too many."""
    response = None
    for attempt_number in range(1, failures + 1):
        response = api.sign_in(client, username, WRONG_PASSWORD)
        expectation = f"failed sign-in {attempt_number} of {failures} should be refused as wrong"
        expect_detail(response, 401, LOGIN_FAILED, expectation)
    assert response is not None, "a failed sign-in needs at least one attempt"
    return response


@given(step_text("{actor} signed in {number} minutes ago"))
def _(ctx: ScenarioContext, test_settings: Settings, actor: str, number: int) -> None:
    # The very token the service issued then: the clock of a real sign-in cannot be turned back.
    issued = datetime.now(UTC) - timedelta(minutes=number)
    ctx.held_tokens[actor] = tokens.genuine(test_settings, ctx.actor(actor).id, now=issued)


@given(step_text("the catalog knows item {item code}"))
def _(ctx: ScenarioContext, catalog_mock: respx.MockRouter, faker: Faker, item_code: str) -> None:
    data: dict[str, object] = {"title": faker.catch_phrase(), "stock": faker.random_int(1, 50)}
    ctx.catalog_items[item_code] = data
    catalog.describe_item(catalog_mock, item_code, data)


@given(step_text("{actor} has failed to sign in {failures}"))
def _(
    ctx: ScenarioContext, client: TestClient, login_clock: FakeClock, actor: str, failures: int
) -> None:
    _fail_to_sign_in(client, ctx.actor(actor).username, failures)


@given(step_text("someone has failed to sign in as {username} {failures}"))
def _(client: TestClient, login_clock: FakeClock, username: str, failures: int) -> None:
    _fail_to_sign_in(client, username, failures)


@given(step_text("{time} has/have passed"))
def _(login_clock: FakeClock, time: float) -> None:
    login_clock.advance(time)


@when(step_text("{actor} signs in with her/his/their password"))
def _(ctx: ScenarioContext, client: TestClient, actor: str) -> None:
    ctx.record(api.sign_in(client, ctx.actor(actor).username, ctx.passwords[actor]))


@when(step_text("{actor} signs in with the password {password}"))
def _(ctx: ScenarioContext, client: TestClient, actor: str, password: str) -> None:
    ctx.record(api.sign_in(client, ctx.actor(actor).username, password))


@when(step_text("someone signs in as {username} with {actor}'s password"))
def _(ctx: ScenarioContext, client: TestClient, username: str, actor: str) -> None:
    ctx.record(api.sign_in(client, username, ctx.passwords[actor]))


@when(step_text("{actor} fails to sign in {failures}"))
def _(ctx: ScenarioContext, client: TestClient, actor: str, failures: int) -> None:
    # Each attempt in turn; the last answer is the one the scenario checks.
    for _ in range(failures):
        ctx.record(api.sign_in(client, ctx.actor(actor).username, WRONG_PASSWORD))


@when(step_text("a caller who has not signed in tries to {capability}"))
def _(ctx: ScenarioContext, client: TestClient, faker: Faker, capability: Capability) -> None:
    ctx.record(attempt(capability, client, ctx, faker))


@then(step_text("{actor} receives an access token valid for {number} minutes"))
def _(ctx: ScenarioContext, actor: str, number: int) -> None:
    body = expect_answer(ctx.last, 200, f"{actor} should be signed in")
    shown = {"token_type": body["token_type"], "expires_in": body["expires_in"]}
    expected = {"token_type": "bearer", "expires_in": number * 60}
    expect_same(shown, expected, f"the token {actor} receives", ctx.last)


@then(step_text("the token lets {actor} act as herself/himself/themselves"))
def _(ctx: ScenarioContext, client: TestClient, actor: str) -> None:
    token = body_of(ctx.last)["access_token"]
    response = api.own_record(client, api.bearer(token))
    body = expect_answer(response, 200, f"the token should be accepted for {actor}")
    expect_same(body["username"], ctx.actor(actor).username, "whom the token stands for", response)


@then(step_text("the sign-in is refused without saying which part was wrong"))
def _(ctx: ScenarioContext) -> None:
    expect_detail(ctx.last, 401, LOGIN_FAILED, "the sign-in should be refused")


@then(step_text("the sign-in is refused, to be tried again in {number} minute(s)"))
def _(ctx: ScenarioContext, number: int) -> None:
    _expect_throttled(ctx, ctx.last, number)


@then(step_text("{actor} must wait {number} minute(s) before signing in again"))
def _(ctx: ScenarioContext, client: TestClient, actor: str, number: int) -> None:
    # With the right password: while blocked, not even that is checked.
    response = api.sign_in(client, ctx.actor(actor).username, ctx.passwords[actor])
    _expect_throttled(ctx, response, number)


@then(step_text("the caller is asked to sign in"))
def _(ctx: ScenarioContext) -> None:
    expect_status(ctx.last, 401, "the caller should be asked to sign in")
    challenge = ctx.last.headers.get("WWW-Authenticate")
    expect_same(challenge, "Bearer", "a request to sign in should say how", ctx.last)
