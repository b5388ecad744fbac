"""Turn what a pytest item did (step events, phase outcomes) into a `Run` with a status per step.

Pure functions, so every status case is unit-tested without running pytest.

Step statuses follow Cucumber: the step that broke is `failed` (`pending` when it raised
`Pending`, `undefined` when no definition matched), and every step after it is `skipped`, except
the steps no definition matches, which stay `undefined` wherever they are. A scenario pytest
skipped has all its steps `skipped`. An expected failure (xfail) is a `skipped` scenario whose
broken step is `skipped` too, carrying the error: the run is green, and no report derived from it
may be red.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_bdd_livingdoc.model import ApiCall, Run, Status, StepResult

MESSAGE_LIMIT = 4000


@dataclass
class StepEvent:
    """One step that pytest-bdd started (or failed to find)."""

    line: int
    status: Status | None = None  # None while running; stays None if a skip or exit interrupted it
    duration: float = 0.0
    message: str | None = None
    match: str | None = None
    started: float = 0.0  # perf_counter() when the step began
    started_at: float | None = None  # the same moment, in epoch seconds
    exception: dict[str, str] | None = None  # what it raised, as Cucumber Messages has it


@dataclass
class PhaseOutcome:
    """The essentials of one pytest TestReport (setup, call or teardown)."""

    outcome: str  # "passed", "failed" or "skipped"
    duration: float = 0.0
    message: str | None = None  # error text or skip reason
    wasxfail: str | None = None  # set when pytest's xfail machinery decided the outcome
    pending: bool = False  # a skip that a `Pending` raised in the scenario turned into
    exception: dict[str, str] | None = None  # what was raised, as Cucumber Messages has it


@dataclass
class ItemTrace:
    feature: str
    line: int
    row: int | None
    nodeid: str
    step_lines: list[int]
    events: list[StepEvent] = field(default_factory=list)
    phases: dict[str, PhaseOutcome] = field(default_factory=dict)
    api_calls: list[ApiCall] = field(default_factory=list)
    # step line -> (definition key, match arguments), or None where no definition matches;
    # looked up before the scenario runs. None when the lookup could not be made.
    matches: dict[int, tuple[str, list[dict[str, Any]]] | None] | None = None
    started: float = 0.0  # epoch seconds
    finished: float = 0.0
    worker: str | None = None


def truncate(message: str | None) -> str | None:
    if message is None or len(message) <= MESSAGE_LIMIT:
        return message
    return message[:MESSAGE_LIMIT] + f"\n... ({len(message) - MESSAGE_LIMIT} more characters)"


def build_run(trace: ItemTrace) -> Run:
    # Events are placed by line, not by order: a guard that looks every step up before the first
    # runs reports only the undefined ones, and steps that never started stay `skipped`.
    by_line = {event.line: event for event in trace.events}
    events = [by_line.get(line) for line in trace.step_lines]
    steps = [StepResult(Status.SKIPPED) if e is None else _step_result(e) for e in events]
    if trace.matches is not None:
        for line, step in zip(trace.step_lines, steps, strict=True):
            match = trace.matches.get(line)
            if match is not None:
                step.definition, step.arguments = match
    run = Run(
        feature=trace.feature,
        line=trace.line,
        row=trace.row,
        nodeid=trace.nodeid,
        status=Status.PASSED,
        steps=steps,
        duration=sum(phase.duration for phase in trace.phases.values()),
        api_calls=_unique(trace.api_calls),
        started=trace.started,
        finished=trace.finished,
        worker=trace.worker,
    )
    setup = trace.phases.get("setup")
    call = trace.phases.get("call")
    if setup is None or setup.outcome == "skipped":
        run.status = Status.SKIPPED
        run.message = _skip_reason(setup)
    elif setup.outcome == "failed":
        _fail_outside_steps(run, "setup", setup.message)
    elif call is not None:
        _apply_call(run, events, call)
        _mark_undefined(run, trace, events)
    teardown = trace.phases.get("teardown")
    if teardown is not None and teardown.outcome == "failed" and run.status is not Status.FAILED:
        _fail_outside_steps(run, "teardown", teardown.message)
    return run


def _step_result(event: StepEvent) -> StepResult:
    # An event without a status was interrupted; `_apply_call` decides what it became.
    status = Status.SKIPPED if event.status is None else event.status
    return StepResult(
        status,
        event.duration,
        truncate(event.message),
        event.match,
        started=event.started_at,
        exception=event.exception,
    )


def _apply_call(run: Run, events: list[StepEvent | None], call: PhaseOutcome) -> None:
    # The first step that started and did not pass, and its event.
    broken, event = next(
        ((i, e) for i, e in enumerate(events) if e is not None and e.status is not Status.PASSED),
        (None, None),
    )
    if call.outcome == "passed":
        run.status = Status.PASSED
        return
    if call.outcome == "skipped" and call.wasxfail is not None:
        run.status = Status.SKIPPED
        reason = f"Expected to fail: {call.wasxfail}" if call.wasxfail else "Expected to fail"
        if broken is not None and run.steps[broken].status is Status.FAILED:
            step = run.steps[broken]
            step.status = Status.SKIPPED
            step.message = truncate(f"{reason}\n{step.message or ''}".rstrip())
            run.message = reason
        else:
            run.message = truncate(f"{reason}\n{call.message or ''}".rstrip())
        return
    if call.outcome == "skipped" and call.pending:
        # A step raised Pending (that step is `pending` already), or the scenario did.
        run.status = Status.PENDING
        run.message = truncate(call.message)
        return
    if call.outcome == "skipped":
        run.status = Status.SKIPPED
        run.message = truncate(call.message)
        if broken is not None and event is not None and event.status is None:
            run.steps[broken].message = truncate(call.message)
            run.steps[broken].exception = call.exception
        return
    # Failed.
    if broken is None or event is None:
        # Every step passed: the test function's own body, or a strict XPASS, failed it.
        _fail_outside_steps(run, "call", call.message)
    elif event.status is Status.UNDEFINED:
        run.status = Status.UNDEFINED
    else:
        run.status = Status.FAILED
        if event.status is None:  # interrupted by something that is no Exception
            run.steps[broken].status = Status.FAILED
            run.steps[broken].message = truncate(call.message)
            run.steps[broken].exception = call.exception


def _mark_undefined(run: Run, trace: ItemTrace, events: list[StepEvent | None]) -> None:
    """A step no definition matches is `undefined`, even where an earlier step stopped the run
    (as Cucumber has it): the reader learns of every step still to write."""
    if trace.matches is None:
        return
    for line, step, event in zip(trace.step_lines, run.steps, events, strict=True):
        if event is None and line in trace.matches and trace.matches[line] is None:
            step.status = Status.UNDEFINED
            step.message = step.message or "No step definition matches this step"


def _fail_outside_steps(run: Run, phase: str, message: str | None) -> None:
    run.status = Status.FAILED
    run.phase = phase
    run.message = truncate(message or f"failed in {phase}")


def _skip_reason(setup: PhaseOutcome | None) -> str | None:
    if setup is None:
        return None
    if setup.wasxfail is not None:
        return f"Expected to fail, not run: {setup.wasxfail}".rstrip(": ")
    return truncate(setup.message)


def _unique(calls: list[ApiCall]) -> list[ApiCall]:
    return list(dict.fromkeys(calls))
