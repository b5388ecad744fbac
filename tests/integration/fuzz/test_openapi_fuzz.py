"""schemathesis over every operation the OpenAPI schema publishes, with every check it has.

Every phase: examples, coverage and fuzzing per operation (positive and negative data), then
stateful sequences that chain operations through the links schemathesis infers (create an item,
read it, change it, remove it, read it again). In-process through the ASGI app, authenticated
as an admin with a real token (so every operation is reachable; the auth checks re-send without
it). Each operation, and the stateful run, is its own pytest test on the per-test rolled-back
transaction: requests reach the harness's app, whose get_db is overridden for the test.

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
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.python import asgi
from sqlalchemy import Connection

from app.main import app as published_app
from app.services.throttle import LoginThrottle
from tests.harness.types import HeadersFor
from tests.support.factories import UserFactory
from tests.support.fakes.clock import FakeClock
from tests.support.secret_scan import secrets_in

# The suite's budget of generated cases: the fuzzing phase's per operation. schemathesis adds
# its examples and coverage cases on top (most of the ~800 cases of a run: every boundary and
# every kind of wrong value, per parameter), so a larger budget buys few new shapes of input and
# seconds of every run. Every check and every phase stays on (test_every_check_and_phase_is_on).
MAX_EXAMPLES = 8
# The stateful run: this many sequences of at most this many calls.
STATEFUL_SCENARIOS = 15
STATEFUL_STEPS = 6

# The schema of the code under test: the same routes the harness's app serves.
schema = schemathesis.openapi.from_dict(published_app.openapi())

_cases: list[str] = []

load_all_checks()
# Every check schemathesis registers, named rather than left to its defaults so that none is
# dropped silently: not_a_server_error, the conformance checks (status code, content type,
# headers, body), negative_data_rejection, positive_data_acceptance, missing_required_header,
# unsupported_method, allow_header_conformance, ignored_auth, and the stateful ones
# (use_after_free, ensure_resource_availability, object_level_authorization).
# max_response_time is not registered among them: tests never assert on wall time.
EVERY_CHECK = list(CHECKS.get_all())
HYPOTHESIS = hypothesis.settings(
    deadline=None,
    derandomize=True,
    database=None,
    # Examples of one operation share the test's transaction on purpose: it is rolled back
    # once, at the end, like any test's.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_every_check_and_phase_is_on() -> None:
    """What the two tests below run, so that a change of schemathesis' defaults shows here."""
    assert {check.__name__ for check in EVERY_CHECK} >= {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "allow_header_conformance",
        "use_after_free",
        "ensure_resource_availability",
        "ignored_auth",
        "object_level_authorization",
    }
    phases = schema.config.phases_for(operation=None)
    assert (phases.examples.enabled, phases.coverage.enabled, phases.fuzzing.enabled) == (
        True,
        True,
        True,
    )


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
@hypothesis.settings(HYPOTHESIS, max_examples=MAX_EXAMPLES)
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
        checks=EVERY_CHECK,
        additional_checks=[no_secret_in_answer],
    )


def test_sequences_of_operations_survive(
    app: FastAPI,
    client: TestClient,
    connection: Connection,
    login_clock: FakeClock,
    catalog_mock: respx.MockRouter,
    auth_headers: HeadersFor,
) -> None:
    """The stateful phase: each scenario chains calls through the links schemathesis infers.

    Every scenario starts from the same state, as Hypothesis requires to replay and shrink one:
    its writes are rolled back (a SAVEPOINT of the test's transaction) and its failed logins
    forgotten (a fresh throttle, as the harness gives each test).
    """
    catalog_mock.get(url__regex=r"/data/.+").mock(return_value=Response(200, json={"n": 1}))
    headers = auth_headers(UserFactory(admin=True))
    session = asgi.get_client(app)

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.scenario = connection.begin_nested()
            app.state.login_throttle = LoginThrottle.from_settings(
                app.state.settings, clock=login_clock
            )

        def teardown(self) -> None:
            self.scenario.rollback()

        def get_call_kwargs(self, case: Case) -> dict[str, object]:
            _cases.append(f"stateful {case.operation.label}")
            return {"app": app, "session": session, "headers": headers}

        def validate_response(
            self, response: schemathesis.Response, case: Case, **kwargs: object
        ) -> None:
            case.validate_response(
                response,
                checks=EVERY_CHECK,
                additional_checks=[no_secret_in_answer],
                headers=headers,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Sequences.run(
        settings=hypothesis.settings(
            HYPOTHESIS, max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS
        )
    )
