"""Every status a scenario and its steps can end in, from the events the plugin records."""

from pytest_bdd_livingdoc.model import ApiCall, Status
from pytest_bdd_livingdoc.outcome import (
    MESSAGE_LIMIT,
    ItemTrace,
    PhaseOutcome,
    StepEvent,
    build_run,
)

PASSED = PhaseOutcome("passed", 0.01)


def trace(
    steps: int = 3, events: list[StepEvent] | None = None, **phases: PhaseOutcome
) -> ItemTrace:
    result = ItemTrace(
        feature="features/x.feature",
        line=5,
        row=None,
        nodeid="step_defs/test_x.py::test_it",
        step_lines=list(range(10, 10 + steps)),
        events=events or [],
    )
    result.phases = {"setup": PASSED, **phases, "teardown": phases.get("teardown", PASSED)}
    return result


def passed(line: int) -> StepEvent:
    return StepEvent(line, Status.PASSED, 0.002, match="step_defs/conftest.py:1")


def statuses(run_steps: list) -> list[Status]:
    return [step.status for step in run_steps]


def test_all_steps_passed() -> None:
    run = build_run(trace(events=[passed(10), passed(11), passed(12)], call=PASSED))
    assert run.status is Status.PASSED
    assert statuses(run.steps) == [Status.PASSED] * 3
    assert run.message is None
    assert run.duration == 0.03
    assert run.steps[0].match == "step_defs/conftest.py:1"


def test_a_failed_step_fails_the_scenario_and_skips_the_rest() -> None:
    broken = StepEvent(11, Status.FAILED, 0.001, "AssertionError: assert 404 == 201")
    run = build_run(trace(events=[passed(10), broken], call=PhaseOutcome("failed", message="x")))
    assert run.status is Status.FAILED
    assert statuses(run.steps) == [Status.PASSED, Status.FAILED, Status.SKIPPED]
    assert run.steps[1].message == "AssertionError: assert 404 == 201"
    assert run.message is None  # the message belongs to the step, not twice on the page


def test_a_failure_in_the_background_is_the_first_step_failing() -> None:
    # Background steps lead the scenario's steps: the same rule applies from step one.
    broken = StepEvent(10, Status.FAILED, 0.001, "RuntimeError: no catalog")
    run = build_run(trace(events=[broken], call=PhaseOutcome("failed")))
    assert run.status is Status.FAILED
    assert statuses(run.steps) == [Status.FAILED, Status.SKIPPED, Status.SKIPPED]


def test_undefined_steps_found_before_any_step_ran() -> None:
    # The guard looks every step up first and reports only the undefined ones: the steps before
    # them never started, so they are skipped, and the status sits on the undefined step.
    missing = StepEvent(12, Status.UNDEFINED, message='No step definition matches Then "x"')
    run = build_run(trace(events=[missing], call=PhaseOutcome("failed", message="undefined")))
    assert run.status is Status.UNDEFINED
    assert statuses(run.steps) == [Status.SKIPPED, Status.SKIPPED, Status.UNDEFINED]
    assert run.steps[2].message == 'No step definition matches Then "x"'


def test_an_undefined_first_step() -> None:
    missing = StepEvent(10, Status.UNDEFINED, message='No step definition matches Given "x"')
    run = build_run(trace(events=[missing], call=PhaseOutcome("failed", message="not found")))
    assert run.status is Status.UNDEFINED
    assert statuses(run.steps) == [Status.UNDEFINED, Status.SKIPPED, Status.SKIPPED]
    assert run.steps[0].message == 'No step definition matches Given "x"'


def test_an_undefined_later_step_is_not_a_pass() -> None:
    missing = StepEvent(12, Status.UNDEFINED, message="none")
    run = build_run(trace(events=[passed(10), passed(11), missing], call=PhaseOutcome("failed")))
    assert run.status is Status.UNDEFINED
    assert statuses(run.steps) == [Status.PASSED, Status.PASSED, Status.UNDEFINED]


def test_a_skip_marker_skips_every_step_with_its_reason() -> None:
    run = build_run(trace(setup=PhaseOutcome("skipped", message="catalog sandbox is down")))
    assert run.status is Status.SKIPPED
    assert statuses(run.steps) == [Status.SKIPPED] * 3
    assert run.message == "catalog sandbox is down"
    assert run.phase is None


def test_a_skip_inside_a_step_marks_that_step_and_the_rest() -> None:
    interrupted = StepEvent(11, None, 0.0)
    run = build_run(
        trace(
            events=[passed(10), interrupted], call=PhaseOutcome("skipped", message="no PostgreSQL")
        )
    )
    assert run.status is Status.SKIPPED
    assert statuses(run.steps) == [Status.PASSED, Status.SKIPPED, Status.SKIPPED]
    assert run.steps[1].message == "no PostgreSQL"
    assert run.message == "no PostgreSQL"


def test_an_expected_failure_is_skipped_and_keeps_the_error() -> None:
    broken = StepEvent(11, Status.FAILED, 0.001, "AssertionError: assert 500 == 201")
    call = PhaseOutcome("skipped", message="AssertionError", wasxfail="bug 12")
    run = build_run(trace(events=[passed(10), broken], call=call))
    assert run.status is Status.SKIPPED
    assert statuses(run.steps) == [Status.PASSED, Status.SKIPPED, Status.SKIPPED]
    assert run.steps[1].message == "Expected to fail: bug 12\nAssertionError: assert 500 == 201"
    assert run.message == "Expected to fail: bug 12"


def test_an_expected_failure_with_an_undefined_step_still_shows_it_undefined() -> None:
    missing = StepEvent(10, Status.UNDEFINED, message="none")
    call = PhaseOutcome("skipped", message="StepDefinitionNotFoundError", wasxfail="")
    run = build_run(trace(events=[missing], call=call))
    assert run.status is Status.SKIPPED
    assert statuses(run.steps) == [Status.UNDEFINED, Status.SKIPPED, Status.SKIPPED]
    assert run.message == "Expected to fail\nStepDefinitionNotFoundError"


def test_an_xfail_that_is_not_run_is_skipped() -> None:
    setup = PhaseOutcome("skipped", message="reason", wasxfail="flaky upstream")
    run = build_run(trace(setup=setup))
    assert run.status is Status.SKIPPED
    assert run.message == "Expected to fail, not run: flaky upstream"


def test_a_strict_xpass_fails_outside_the_steps() -> None:
    call = PhaseOutcome("failed", message="[XPASS(strict)] bug 12")
    run = build_run(trace(events=[passed(10), passed(11), passed(12)], call=call))
    assert run.status is Status.FAILED
    assert statuses(run.steps) == [Status.PASSED] * 3
    assert (run.phase, run.message) == ("call", "[XPASS(strict)] bug 12")


def test_a_fixture_that_breaks_in_setup_fails_before_any_step() -> None:
    setup = PhaseOutcome("failed", message="OperationalError: no such table\n  at conftest.py:3")
    run = build_run(trace(setup=setup))
    assert run.status is Status.FAILED
    assert statuses(run.steps) == [Status.SKIPPED] * 3
    assert run.phase == "setup"
    assert run.message.startswith("OperationalError")


def test_a_teardown_error_fails_a_passed_scenario() -> None:
    teardown = PhaseOutcome("failed", message="RuntimeError: leaked connection")
    run = build_run(
        trace(events=[passed(10), passed(11), passed(12)], call=PASSED, teardown=teardown)
    )
    assert run.status is Status.FAILED
    assert statuses(run.steps) == [Status.PASSED] * 3
    assert (run.phase, run.message) == ("teardown", "RuntimeError: leaked connection")


def test_a_teardown_error_keeps_the_first_failure() -> None:
    broken = StepEvent(10, Status.FAILED, 0.001, "boom")
    teardown = PhaseOutcome("failed", message="late")
    run = build_run(trace(events=[broken], call=PhaseOutcome("failed"), teardown=teardown))
    assert run.status is Status.FAILED
    assert run.steps[0].message == "boom"
    assert run.phase is None


def test_a_step_interrupted_by_a_non_exception_failure_is_failed() -> None:
    interrupted = StepEvent(10, None, 0.0)
    run = build_run(
        trace(events=[interrupted], call=PhaseOutcome("failed", message="SystemExit: 3"))
    )
    assert run.status is Status.FAILED
    assert statuses(run.steps) == [Status.FAILED, Status.SKIPPED, Status.SKIPPED]
    assert run.steps[0].message == "SystemExit: 3"


def test_long_messages_are_cut() -> None:
    broken = StepEvent(10, Status.FAILED, 0.001, "x" * (MESSAGE_LIMIT + 50))
    run = build_run(trace(events=[broken], call=PhaseOutcome("failed")))
    assert run.steps[0].message.endswith("(50 more characters)")
    assert len(run.steps[0].message) < MESSAGE_LIMIT + 40


def test_outline_rows_and_api_calls_travel_in_the_record() -> None:
    item = trace(events=[passed(10), passed(11), passed(12)], call=PASSED)
    item.row = 2
    item.api_calls = [ApiCall("POST", "/items/", 201), ApiCall("POST", "/items/", 201)]
    run = build_run(item)
    assert run.api_calls == [ApiCall("POST", "/items/", 201)]
    record = run.to_record()
    assert record["row"] == 2
    assert type(run).from_record(record) == run
