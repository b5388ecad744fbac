"""The documentation's data: the parsed feature tree, and what one run did to each scenario.

The tree (`Feature` > `Rule` > `Scenario` > `Examples` > `ExampleRow`) comes from the
`.feature` files alone. A `Case` is one executable scenario: a plain scenario, or one row of
an outline. A `Run` is what the plugin recorded for a case; it crosses process boundaries
under pytest-xdist as a plain JSON-serialisable dict (`Run.to_record` / `Run.from_record`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

RECORD_VERSION = 2


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNDEFINED = "undefined"
    PENDING = "pending"
    SKIPPED = "skipped"
    NOT_RUN = "not run"

    @property
    def slug(self) -> str:
        """A CSS-class and identifier friendly form."""
        return self.value.replace(" ", "-")


# Most alarming first: the order of summaries, and which verdict wins when one scenario was
# bound (and so run) twice.
STATUS_ORDER: tuple[Status, ...] = (
    Status.FAILED,
    Status.UNDEFINED,
    Status.PENDING,
    Status.PASSED,
    Status.SKIPPED,
    Status.NOT_RUN,
)


def worst(statuses: list[Status]) -> Status:
    if not statuses:
        return Status.NOT_RUN
    return min(statuses, key=STATUS_ORDER.index)


@dataclass(frozen=True)
class Tag:
    name: str  # with its "@"
    line: int


@dataclass
class Step:
    keyword: str  # as written, with its trailing space: "Given "
    text: str
    line: int
    docstring: str | None = None
    table: list[list[str]] | None = None
    docstring_line: int | None = None  # the line of the doc string's opening delimiter


@dataclass
class Background:
    keyword: str
    name: str
    line: int
    steps: list[Step]


@dataclass
class ExampleRow:
    line: int
    values: list[str]
    index: int  # position among all rows of the outline, across its Examples blocks


@dataclass(eq=False)
class Examples:
    keyword: str
    name: str
    description: str
    line: int
    tags: list[Tag]
    header: list[str]
    rows: list[ExampleRow]


@dataclass(eq=False)
class Scenario:
    keyword: str
    name: str
    description: str
    line: int
    tags: list[Tag]
    steps: list[Step]
    examples: list[Examples] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    anchor: str = ""  # set with the cases, once the feature's path is known

    @property
    def is_outline(self) -> bool:
        return bool(self.examples)

    @property
    def status(self) -> Status:
        return worst([case.status for case in self.cases])

    @property
    def tag_names(self) -> list[str]:
        """Every tag any of its cases carries: what the page filters the scenario by."""
        return list(dict.fromkeys(name for case in self.cases for name in case.tag_names))


@dataclass(eq=False)
class Rule:
    keyword: str
    name: str
    description: str
    line: int
    tags: list[Tag]
    background: Background | None
    scenarios: list[Scenario]


@dataclass(eq=False)
class Feature:
    path: str  # relative to the pytest rootdir, with forward slashes
    keyword: str
    name: str
    description: str
    line: int
    language: str
    tags: list[Tag]
    background: Background | None
    children: list[Scenario | Rule]

    def scenarios(self) -> Iterator[Scenario]:
        for child in self.children:
            if isinstance(child, Rule):
                yield from child.scenarios
            else:
                yield child

    def cases(self) -> Iterator[Case]:
        for scenario in self.scenarios():
            yield from scenario.cases


@dataclass
class CaseStep:
    """A step as one case executes it: background steps first, outline values filled in."""

    keyword: str
    text: str
    line: int
    docstring: str | None
    table: list[list[str]] | None
    from_background: bool
    docstring_line: int | None = None


CaseKey = tuple[str, int, int | None]  # feature path, scenario line, outline row index


@dataclass(eq=False)
class Case:
    feature: Feature
    rule: Rule | None
    scenario: Scenario
    examples: Examples | None
    row: ExampleRow | None
    name: str
    steps: list[CaseStep]
    tags: list[Tag]  # effective: feature, rule, scenario and examples tags
    run: Run | None = None

    @property
    def key(self) -> CaseKey:
        return (self.feature.path, self.scenario.line, None if self.row is None else self.row.index)

    @property
    def status(self) -> Status:
        return Status.NOT_RUN if self.run is None else self.run.status

    @property
    def anchor(self) -> str:
        suffix = "" if self.row is None else f"-r{self.row.line}"
        return f"{anchor_for(self.feature.path)}-{self.scenario.line}{suffix}"

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]

    def step_results(self) -> list[StepResult]:
        """One result per step; a case that never ran has every step 'not run'."""
        if self.run is None:
            return [StepResult(Status.NOT_RUN) for _ in self.steps]
        results = list(self.run.steps[: len(self.steps)])
        # A record shorter than the tree (the file changed under a run) reads as not run.
        results += [StepResult(Status.NOT_RUN) for _ in range(len(self.steps) - len(results))]
        return results


def anchor_for(path: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower()


@dataclass
class StepResult:
    status: Status
    duration: float = 0.0  # seconds
    message: str | None = None
    match: str | None = None  # where the step definition lives: "step_defs/x.py:12"
    started: float | None = None  # epoch seconds when the step began; None if it never started
    # The step definition that matches the step (`StepDefinition.key`) and the arguments it
    # takes from the text, as Cucumber Messages' StepMatchArguments; None when none matches.
    definition: str | None = None
    arguments: list[dict[str, Any]] | None = None
    # What was raised, as Cucumber Messages' Exception: {"type", "message", "stackTrace"}.
    exception: dict[str, str] | None = None

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"status": self.status.value, "duration": self.duration}
        for name in ("message", "match", "started", "definition", "arguments", "exception"):
            if getattr(self, name) is not None:
                record[name] = getattr(self, name)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> StepResult:
        return cls(
            status=Status(record["status"]),
            duration=float(record["duration"]),
            message=record.get("message"),
            match=record.get("match"),
            started=record.get("started"),
            definition=record.get("definition"),
            arguments=record.get("arguments"),
            exception=record.get("exception"),
        )


@dataclass(frozen=True)
class StepDefinition:
    """A step definition the run knew (used or not), as Cucumber Messages describes one."""

    type: str | None  # "given", "when", "then", or None for @step
    pattern_type: str  # "CUCUMBER_EXPRESSION" or "REGULAR_EXPRESSION"
    source: str
    uri: str  # relative to the rootdir
    line: int

    @property
    def key(self) -> str:
        """The same in every process of the run: how steps name their definition."""
        return f"{self.uri}:{self.line}:{self.type}:{self.pattern_type}:{self.source}"

    def to_record(self) -> list[Any]:
        return [self.type, self.pattern_type, self.source, self.uri, self.line]

    @classmethod
    def from_record(cls, record: list[Any]) -> StepDefinition:
        kind, pattern_type, source, uri, line = record
        return cls(kind, pattern_type, source, uri, int(line))


@dataclass(frozen=True)
class RunError:
    """Something that broke outside any scenario: the run cannot be trusted as a whole."""

    COLLECTION: ClassVar[str] = "collection error"
    START_UP: ClassVar[str] = "start-up error"
    INTERNAL: ClassVar[str] = "internal error"
    UNBOUND: ClassVar[str] = "unbound feature"

    kind: str  # one of the above
    message: str
    location: str | None = None  # "path:line" (or a path, or a node id) to look at
    exception_type: str | None = None

    def to_record(self) -> list[Any]:
        return [self.kind, self.message, self.location, self.exception_type]

    @classmethod
    def from_record(cls, record: list[Any]) -> RunError:
        return cls(*record)


@dataclass(frozen=True)
class ApiCall:
    method: str
    path: str  # the concrete path requested, e.g. /items/3
    status_code: int


@dataclass
class Run:
    """What one pytest item did with one case."""

    feature: str
    line: int
    row: int | None
    nodeid: str
    status: Status
    steps: list[StepResult]
    duration: float = 0.0
    # A failure or skip reason that belongs to no step: a fixture that broke in setup or
    # teardown, a check in the test function's body, a strict XPASS, a skip marker.
    message: str | None = None
    phase: str | None = None  # "setup", "call" or "teardown" when `message` is a failure
    api_calls: list[ApiCall] = field(default_factory=list)
    started: float = 0.0  # epoch seconds: when the item's setup began
    finished: float = 0.0  # and when its teardown ended
    worker: str | None = None  # the pytest-xdist worker that ran it ("gw0"), if any

    @property
    def key(self) -> CaseKey:
        return (self.feature, self.line, self.row)

    def to_record(self) -> dict[str, Any]:
        return {
            "version": RECORD_VERSION,
            "feature": self.feature,
            "line": self.line,
            "row": self.row,
            "nodeid": self.nodeid,
            "status": self.status.value,
            "steps": [step.to_record() for step in self.steps],
            "duration": self.duration,
            "message": self.message,
            "phase": self.phase,
            "api_calls": [[c.method, c.path, c.status_code] for c in self.api_calls],
            "started": self.started,
            "finished": self.finished,
            "worker": self.worker,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Run:
        if record.get("version") != RECORD_VERSION:
            raise ValueError(f"unsupported living-docs record version: {record.get('version')!r}")
        return cls(
            feature=record["feature"],
            line=int(record["line"]),
            row=None if record["row"] is None else int(record["row"]),
            nodeid=record["nodeid"],
            status=Status(record["status"]),
            steps=[StepResult.from_record(step) for step in record["steps"]],
            duration=float(record["duration"]),
            message=record["message"],
            phase=record["phase"],
            api_calls=[ApiCall(m, p, int(s)) for m, p, s in record["api_calls"]],
            started=float(record["started"]),
            finished=float(record["finished"]),
            worker=record["worker"],
        )


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the OpenAPI template, e.g. /items/{item_id}
    summary: str
    documented_codes: tuple[str, ...]


@dataclass
class CoverageRow:
    operation: Operation
    # status code -> the cases whose requests got it, in document order
    cells: dict[int, list[Case]]

    @property
    def touched(self) -> bool:
        return bool(self.cells)


@dataclass
class Coverage:
    rows: list[CoverageRow]
    codes: list[int]  # every status code seen on a documented operation, ascending
    # Requests that matched no documented operation: (method, path, status) -> cases
    unmatched: dict[tuple[str, str, int], list[Case]]

    @property
    def untouched(self) -> list[Operation]:
        return [row.operation for row in self.rows if not row.touched]


@dataclass
class Meta:
    title: str
    generated_at: str  # ISO 8601, UTC
    commit: str | None
    wall_time: float  # seconds, the whole pytest session
    # Records whose scenario the feature files no longer contain (edited during the run).
    orphans: list[Run] = field(default_factory=list)
    # What broke outside the scenarios (collection, start-up, unbound feature files): shown
    # first, in every output, and the run fails.
    errors: list[RunError] = field(default_factory=list)
    started: float = 0.0  # epoch seconds, the session's start
    definitions: list[StepDefinition] = field(default_factory=list)
    # Every test of a scenario that reported (a case bound twice has two): node id -> case key.
    nodeids: dict[str, CaseKey] = field(default_factory=dict)


@dataclass
class Document:
    features: list[Feature]
    meta: Meta
    coverage: Coverage | None = None

    def cases(self) -> Iterator[Case]:
        for feature in self.features:
            yield from feature.cases()

    def unbound_paths(self) -> set[str]:
        """Feature files no test module binds (an error outside the scenarios names each)."""
        return {
            error.location.rsplit(":", 1)[0]
            for error in self.meta.errors
            if error.kind == RunError.UNBOUND and error.location
        }

    def case_totals(self) -> dict[Status, int]:
        totals = dict.fromkeys(STATUS_ORDER, 0)
        for case in self.cases():
            totals[case.status] += 1
        return totals

    def step_totals(self) -> dict[Status, int]:
        totals = dict.fromkeys(STATUS_ORDER, 0)
        for case in self.cases():
            for result in case.step_results():
                totals[result.status] += 1
        return totals

    def scenario_duration(self) -> float:
        return sum(case.run.duration for case in self.cases() if case.run is not None)
