"""features/service_health.feature: the health check, and a database that fails."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pytest_bdd import given, scenarios, then, when
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.http_errors import DATABASE_UNAVAILABLE
from step_defs.support import api
from step_defs.support.context import ScenarioContext
from step_defs.support.expect import expect_answer, expect_detail, expect_same
from step_defs.support.types import step_text

scenarios("service_health.feature")

HEALTH_DOWN = "Database unavailable"


def _commit_that_dies_once(original: Callable[[Session], None]) -> Callable[[Session], None]:
    """The first commit that writes something flushes its rows, then loses the connection;
    every other commit (sign-ins, reads, the harness's own) goes through."""
    fired = False

    def commit(self: Session) -> None:
        nonlocal fired
        if fired or not (self.new or self.dirty or self.deleted):
            original(self)
            return
        fired = True
        # The rows reach the database first, so only a real rollback can undo them.
        self.flush()
        lost = ConnectionResetError("server closed the connection")
        raise OperationalError("COMMIT", {}, lost)

    return commit


@given(step_text("the database does not answer"))
def _(unreachable_database: None) -> None:
    pass


@given(step_text("the database will fail while saving the next change"))
def _(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Session, "commit", _commit_that_dies_once(Session.commit))


@when(step_text("a monitor checks that the service is up"))
def _(ctx: ScenarioContext, client: TestClient) -> None:
    ctx.record(api.health(client))


@then(step_text("the monitor is told the service is up"))
def _(ctx: ScenarioContext) -> None:
    body = expect_answer(ctx.last, 200, "the service should say it is up")
    expect_same(body, {"status": "ok"}, "what the health check says", ctx.last)


@then(step_text("the monitor is told the database is unavailable"))
def _(ctx: ScenarioContext) -> None:
    expect_detail(ctx.last, 503, HEALTH_DOWN, "the health check should say the database is down")


@then(step_text("{actor} is told the service is unavailable and to retry in {number} seconds"))
def _(ctx: ScenarioContext, actor: str, number: int) -> None:
    expect_detail(ctx.last, 503, DATABASE_UNAVAILABLE, f"{actor} should be told to retry")
    retry_after = ctx.last.headers.get("Retry-After")
    expect_same(retry_after, str(number), "when to try again", ctx.last)
