"""features/user_registration.feature: registering, and what a registration may not ask for."""

from faker import Faker
from fastapi.testclient import TestClient
from pytest_bdd import scenarios, then, when

from step_defs.support import api
from step_defs.support.context import ScenarioContext
from step_defs.support.expect import (
    body_of,
    describe,
    expect_answer,
    expect_detail,
    expect_refused_because_of,
    expect_same,
    expect_status,
)
from step_defs.support.types import SmuggledRequest, step_text

scenarios("user_registration.feature")

DUPLICATE_ACCOUNT = "A user with this email or username already exists"


def _register(
    ctx: ScenarioContext, client: TestClient, faker: Faker, actor: str, **changes: object
) -> None:
    """Register `actor` with well-formed details, except for what the scenario changes."""
    username = actor.lower()
    details: dict[str, object] = {
        "username": username,
        "email": f"{username}@example.com",
        "full_name": f"{actor} {faker.last_name()}",
        "password": faker.password(length=14),
    }
    details.update(changes)
    details = {key: value for key, value in details.items() if value is not None}
    ctx.sent = details
    ctx.passwords[actor] = str(details.get("password", ""))
    ctx.record(api.register(client, details, {}))


def _own_record(ctx: ScenarioContext, client: TestClient, actor: str) -> dict[str, object]:
    """The record `actor` sees after signing in with what they registered."""
    signed_in = api.sign_in(client, str(ctx.sent["username"]), ctx.passwords[actor])
    token = expect_answer(signed_in, 200, f"{actor} should be able to sign in")["access_token"]
    response = api.own_record(client, api.bearer(token))
    record: dict[str, object] = expect_answer(response, 200, f"{actor} should see their record")
    return record


@when(step_text("{actor} registers as {username}"))
def _(ctx: ScenarioContext, client: TestClient, faker: Faker, actor: str, username: str) -> None:
    _register(ctx, client, faker, actor, username=username)


@when(step_text("{actor} registers with the email {email}"))
def _(ctx: ScenarioContext, client: TestClient, faker: Faker, actor: str, email: str) -> None:
    _register(ctx, client, faker, actor, email=email)


@when(step_text("{actor} registers with a password that is {text shape}"))
def _(ctx: ScenarioContext, client: TestClient, faker: Faker, actor: str, text_shape: str) -> None:
    _register(ctx, client, faker, actor, password=text_shape)


@when(step_text("{actor} registers with the full name {full name}"))
def _(ctx: ScenarioContext, client: TestClient, faker: Faker, actor: str, full_name: str) -> None:
    _register(ctx, client, faker, actor, full_name=full_name)


@when(step_text("{actor} registers with a full name that is {text shape}"))
def _(ctx: ScenarioContext, client: TestClient, faker: Faker, actor: str, text_shape: str) -> None:
    _register(ctx, client, faker, actor, full_name=text_shape)


@when(step_text("{actor} registers without a full name"))
def _(ctx: ScenarioContext, client: TestClient, faker: Faker, actor: str) -> None:
    _register(ctx, client, faker, actor, full_name=None)


@when(step_text("{actor} registers asking {smuggled request}"))
def _(
    ctx: ScenarioContext,
    client: TestClient,
    faker: Faker,
    actor: str,
    smuggled_request: SmuggledRequest,
) -> None:
    _register(ctx, client, faker, actor, **smuggled_request.extra_fields)


@then(step_text("{actor}'s account is created as a member"))
def _(ctx: ScenarioContext, actor: str) -> None:
    body = expect_answer(ctx.last, 201, f"{actor}'s account should be created")
    shown = {key: body.get(key) for key in ("username", "role", "is_active")}
    expected = {"username": ctx.sent["username"], "role": "member", "is_active": True}
    expect_same(shown, expected, f"{actor}'s new account", ctx.last)
    secrets = {"password", "hashed_password"} & set(body)
    assert not secrets, f"an account should never show its password\n{describe(ctx.last)}"


@then(step_text("{actor}'s email address is recorded as {email}"))
def _(ctx: ScenarioContext, client: TestClient, actor: str, email: str) -> None:
    record = _own_record(ctx, client, actor)
    expect_same(record["email"], email, f"{actor}'s email address", ctx.last)


@then(step_text("{actor}'s full name is recorded as {full name}"))
def _(ctx: ScenarioContext, client: TestClient, actor: str, full_name: str) -> None:
    record = _own_record(ctx, client, actor)
    expect_same(record["full_name"], full_name, f"{actor}'s full name", ctx.last)


@then(step_text("{actor}'s account shows no full name"))
def _(ctx: ScenarioContext, client: TestClient, actor: str) -> None:
    record = _own_record(ctx, client, actor)
    expect_same(record["full_name"], None, f"{actor}'s full name", ctx.last)


@then(step_text("the registration is refused because of the {account detail}"))
def _(ctx: ScenarioContext, account_detail: str) -> None:
    expectation = f"the registration should be refused over {account_detail}"
    expect_refused_because_of(ctx.last, account_detail, expectation)


@then(step_text("the registration is refused because it asks for more than an account"))
def _(ctx: ScenarioContext) -> None:
    expect_status(ctx.last, 422, "the registration should be refused")
    complaints = {error["type"] for error in body_of(ctx.last)["detail"]}
    expect_same(complaints, {"extra_forbidden"}, "why it was refused", ctx.last)


@then(step_text("{actor} is told that username or email address is already taken"))
def _(ctx: ScenarioContext, actor: str) -> None:
    expect_detail(ctx.last, 409, DUPLICATE_ACCOUNT, f"{actor} should be told it is taken")
