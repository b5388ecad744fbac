"""schemathesis over every operation the OpenAPI schema publishes, with every default check.

Positive and negative data, in-process through the ASGI app, authenticated as an admin with a
real token (so every operation is reachable; the auth checks re-send without it). Each
operation is its own pytest test on the per-test rolled-back transaction: requests reach the
harness's app, whose get_db is overridden for the test.

When this finds something, fix the schema or the app, not the check.
"""

import time
from collections.abc import Iterator

import hypothesis
import pytest
import respx
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from hypothesis import HealthCheck
from schemathesis import Case
from schemathesis.python import asgi

from app.main import app as published_app
from tests.harness.types import HeadersFor
from tests.support.factories import UserFactory
from tests.support.secret_scan import secrets_in

# Bounded so the whole run stays within seconds; schemathesis adds its examples and coverage
# cases on top of this per operation.
MAX_EXAMPLES = 20

# The schema of the code under test: the same routes the harness's app serves.
schema = schemathesis.openapi.from_dict(published_app.openapi())

_cases: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _report_case_count(request: pytest.FixtureRequest) -> Iterator[None]:
    """Prints how many cases ran and how long they took (a figure, never an assertion)."""
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not _cases:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(
            f"\nschemathesis: {len(_cases)} cases over {len(set(_cases))} operations "
            f"in {elapsed:.1f}s"
        )


def no_secret_in_answer(ctx: object, response: schemathesis.Response, case: Case) -> bool | None:
    """The suite-wide response scan (tests/support/secret_scan.py), as a schemathesis check."""
    try:
        document = response.json()
    except ValueError:
        return None
    found = list(secrets_in(document))
    if found:
        raise AssertionError(f"credential-like data in the answer at {found}")
    return None


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # Examples of one operation share the test's transaction on purpose: it is rolled back
    # once, at the end, like any test's.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_survives_generated_input(
    case: Case,
    app: FastAPI,
    client: TestClient,
    catalog_mock: respx.MockRouter,
    auth_headers: HeadersFor,
) -> None:
    # `client` puts the harness in place: the app's lifespan, the overridden get_db and a fresh
    # login throttle. The catalog answers every item, so its route is reachable too.
    catalog_mock.get(url__regex=r"/data/.+").mock(return_value=Response(200, json={"n": 1}))
    # A fresh admin per example: an earlier example of this test may have demoted the last one.
    admin = UserFactory(admin=True)
    _cases.append(case.operation.label)

    case.call_and_validate(
        app=app,
        # Not entered, so schemathesis starts no lifespan of its own: a second one would replace
        # the app state (the catalog's client) of the one the harness started for the session.
        session=asgi.get_client(app),
        headers=auth_headers(admin),
        additional_checks=[no_secret_in_answer],
    )
