"""Cucumber Messages (NDJSON): the run as Cucumber's own tools read it.

Built in the controller from the same merged document as the page, with the official packages:
gherkin-official turns each feature file into its `source`, `gherkinDocument` and `pickle`
messages (and numbers every id from one counter), and `cucumber-messages` supplies every other
message and writes them out. One stream in a valid order, whatever the number of workers:

    meta, then per feature file source, gherkinDocument, pickles; stepDefinitions (every one the
    run knew, used or not); hooks; testRunStarted; testCases (the cases that ran, in the order
    they started); then per case testCaseStarted, testStepStarted/Finished per step (with a
    suggestion for an undefined one), testCaseFinished; testRunFinished.

Where pytest differs from Cucumber: a failure outside any step (a fixture's setup or teardown,
the test function's own body) is a failed `pytest setup` or `pytest teardown` hook step of that
case, and an error outside the scenarios (collection, start-up, an unbound feature file) makes
`testRunFinished` unsuccessful with the errors as its message. `success` is the protocol's:
only passed and skipped steps (a pending step is not success, though pytest passes).
"""

from __future__ import annotations

import json
import os
import platform
import re
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cucumber_expressions.expression_generator import CucumberExpressionGenerator
from cucumber_expressions.parameter_type_registry import ParameterTypeRegistry
from cucumber_messages import (
    Ci,
    Duration,
    Envelope,
    Git,
    Hook,
    HookType,
    Product,
    Snippet,
    SourceReference,
    StepMatchArgument,
    StepMatchArgumentsList,
    Suggestion,
    TestCase,
    TestCaseFinished,
    TestCaseStarted,
    TestRunFinished,
    TestRunStarted,
    TestStep,
    TestStepFinished,
    TestStepResult,
    TestStepResultStatus,
    TestStepStarted,
    Timestamp,
    message_converter,
)
from cucumber_messages import (
    Exception as MessageException,
)
from cucumber_messages import (
    Meta as MessageMeta,
)
from gherkin.stream.gherkin_events import GherkinEvents

from pytest_bdd_livingdoc.model import Case, Document, Run, Status, StepResult

MEDIA_TYPE = "text/x.cucumber.gherkin+plain"
_STATUS = {
    Status.PASSED: TestStepResultStatus.passed,
    Status.FAILED: TestStepResultStatus.failed,
    Status.UNDEFINED: TestStepResultStatus.undefined,
    Status.PENDING: TestStepResultStatus.pending,
    Status.SKIPPED: TestStepResultStatus.skipped,
    Status.NOT_RUN: TestStepResultStatus.skipped,
}
_SUCCESS = {TestStepResultStatus.passed, TestStepResultStatus.skipped}
_KEYWORD = {"Context": "given", "Action": "when", "Outcome": "then"}
SETUP_HOOK = "pytest setup"
TEARDOWN_HOOK = "pytest teardown"


def write_messages(path: Path, document: Document, rootdir: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for envelope in to_messages(document, rootdir):
            stream.write(json.dumps(message_converter.to_dict(envelope), ensure_ascii=False))
            stream.write("\n")


def to_messages(document: Document, rootdir: Path) -> list[Envelope]:
    return _Stream(document, rootdir).envelopes()


class _Stream:
    def __init__(self, document: Document, rootdir: Path) -> None:
        self.document = document
        self.rootdir = rootdir
        self.gherkin = GherkinEvents(GherkinEvents.Options(True, True, True))
        self.out: list[Envelope] = []
        # Per pickle: the case it is, and per pickle step id the line of its Gherkin step.
        self.pickles: dict[int, dict[str, Any]] = {}  # id(case) -> pickle
        self.step_lines: dict[str, int] = {}
        self.failed = False

    def next_id(self) -> str:
        return self.gherkin.id_generator.get_next_id()

    def envelopes(self) -> list[Envelope]:
        self.out.append(Envelope(meta=_meta()))
        for feature in self.document.features:
            self._feature(feature.path, {case.key: case for case in feature.cases()})
        definition_ids = self._definitions()
        ran = sorted(
            (
                case
                for case in self.document.cases()
                if case.run is not None and id(case) in self.pickles
            ),
            key=lambda case: _run(case).started,
        )
        hooks = self._hooks(ran)
        run_id = self.next_id()
        self.out.append(
            Envelope(
                test_run_started=TestRunStarted(_timestamp(self.document.meta.started), run_id)
            )
        )
        plans = [self._test_case(case, run_id, definition_ids, hooks) for case in ran]
        for case, (test_case, steps) in zip(ran, plans, strict=True):
            self._execution(case, test_case, steps)
        self.out.append(Envelope(test_run_finished=self._finished(run_id, ran)))
        return self.out

    # --- the specification ---------------------------------------------------------------

    def _feature(self, path: str, cases: dict[Any, Case]) -> None:
        file = self.rootdir / path
        text = file.read_text(encoding="utf-8") if file.is_file() else ""
        source = {"source": {"uri": path, "data": text, "mediaType": MEDIA_TYPE}}
        lines: dict[str, int] = {}
        rows: dict[str, int] = {}
        for typed in self.gherkin.enum(source):  # type: ignore[arg-type]
            # Plain dicts: gherkin-official's TypedDicts model each kind of event apart.
            event: dict[str, Any] = dict(typed)
            if "gherkinDocument" in event:
                _trim_descriptions(event["gherkinDocument"])
            self.out.append(message_converter.from_dict(event, Envelope))
            if "gherkinDocument" in event:
                lines, rows = _node_lines(dict(event["gherkinDocument"]))
            elif "pickle" in event:
                pickle: dict[str, Any] = dict(event["pickle"])
                nodes = pickle["astNodeIds"]
                row = rows.get(nodes[1]) if len(nodes) > 1 else None
                case = cases.get((path, lines.get(nodes[0]), row))
                if case is not None:
                    self.pickles[id(case)] = pickle
                for step in pickle["steps"]:
                    self.step_lines[step["id"]] = lines[step["astNodeIds"][0]]

    def _definitions(self) -> dict[str, str]:
        ids = {}
        for definition in self.document.meta.definitions:
            ids[definition.key] = self.next_id()
            self.out.append(
                message_converter.from_dict(
                    {
                        "stepDefinition": {
                            "id": ids[definition.key],
                            "pattern": {
                                "type": definition.pattern_type,
                                "source": definition.source,
                            },
                            "sourceReference": {
                                "uri": definition.uri,
                                "location": {"line": definition.line},
                            },
                        }
                    },
                    Envelope,
                )
            )
        return ids

    def _hooks(self, ran: list[Case]) -> dict[str, str]:
        """pytest's fixtures as Cucumber hooks, declared only when one broke or skipped a case."""
        needed = {name for case in ran if (name := _hook_for(_run(case))) is not None}
        ids = {}
        for name in sorted(needed):
            ids[name] = self.next_id()
            kind = HookType.before_test_case if name == SETUP_HOOK else HookType.after_test_case
            self.out.append(
                Envelope(hook=Hook(ids[name], SourceReference(uri="pytest"), name=name, type=kind))
            )
        return ids

    def _test_case(
        self, case: Case, run_id: str, definition_ids: dict[str, str], hooks: dict[str, str]
    ) -> tuple[TestCase, list[tuple[TestStep, StepResult | None]]]:
        pickle = self.pickles[id(case)]
        results = dict(zip((step.line for step in case.steps), case.step_results(), strict=True))
        steps: list[tuple[TestStep, StepResult | None]] = []
        run = _run(case)
        hook = _hook_for(run)
        if hook == SETUP_HOOK:
            steps.append((TestStep(self.next_id(), hook_id=hooks[hook]), None))
        for pickle_step in pickle["steps"]:
            result = results.get(self.step_lines[pickle_step["id"]], StepResult(Status.SKIPPED))
            definition = definition_ids.get(result.definition or "")
            steps.append(
                (
                    TestStep(
                        self.next_id(),
                        pickle_step_id=pickle_step["id"],
                        step_definition_ids=[] if definition is None else [definition],
                        step_match_arguments_lists=[]
                        if definition is None
                        else [StepMatchArgumentsList(_arguments(result))],
                    ),
                    result,
                )
            )
        if hook == TEARDOWN_HOOK:
            steps.append((TestStep(self.next_id(), hook_id=hooks[hook]), None))
        test_case = TestCase(self.next_id(), pickle["id"], [s for s, _ in steps], run_id)
        self.out.append(Envelope(test_case=test_case))
        return test_case, steps

    # --- the execution -------------------------------------------------------------------

    def _execution(
        self, case: Case, test_case: TestCase, steps: list[tuple[TestStep, StepResult | None]]
    ) -> None:
        run = _run(case)
        started_id = self.next_id()
        self.out.append(
            Envelope(
                test_case_started=TestCaseStarted(
                    0, started_id, test_case.id, _timestamp(run.started), worker_id=run.worker
                )
            )
        )
        clock = run.started
        for step, result in steps:
            if result is None:  # the pytest hook: the failure or skip outside the steps
                status = Status.FAILED if run.phase else run.status
                outcome = TestStepResult(
                    _duration(0.0),
                    _STATUS[status],
                    message=run.message,
                    exception=None
                    if run.message is None
                    else MessageException(f"pytest {run.phase or 'skip'}", run.message),
                )
                duration = 0.0
            else:
                clock = max(clock, result.started or clock)
                duration = result.duration
                outcome = TestStepResult(
                    _duration(duration),
                    _STATUS[result.status],
                    message=result.message,
                    exception=None
                    if result.exception is None
                    else message_converter.from_dict(result.exception, MessageException),
                )
            if outcome.status not in _SUCCESS:
                self.failed = True
            self.out.append(
                Envelope(test_step_started=TestStepStarted(started_id, step.id, _timestamp(clock)))
            )
            if result is not None and result.status is Status.UNDEFINED and step.pickle_step_id:
                self.out.append(Envelope(suggestion=self._suggestion(case, step.pickle_step_id)))
            clock += duration
            self.out.append(
                Envelope(
                    test_step_finished=TestStepFinished(
                        started_id, step.id, outcome, _timestamp(clock)
                    )
                )
            )
        self.out.append(
            Envelope(
                test_case_finished=TestCaseFinished(
                    started_id, _timestamp(max(clock, run.finished)), False
                )
            )
        )

    def _suggestion(self, case: Case, pickle_step_id: str) -> Suggestion:
        pickle = self.pickles[id(case)]
        step = next(s for s in pickle["steps"] if s["id"] == pickle_step_id)
        return Suggestion(
            self.next_id(), pickle_step_id, list(snippets(step["text"], step["type"]))
        )

    def _finished(self, run_id: str, ran: list[Case]) -> TestRunFinished:
        errors = self.document.meta.errors
        end = max([self.document.meta.started] + [_run(case).finished for case in ran])
        finished = TestRunFinished(
            not errors and not self.failed, _timestamp(end), test_run_started_id=run_id
        )
        if errors:
            finished.message = "\n\n".join(
                f"{error.kind}{f' at {error.location}' if error.location else ''}:\n{error.message}"
                for error in errors
            )
            first = errors[0]
            finished.exception = MessageException(first.exception_type or first.kind, first.message)
        return finished


def snippets(text: str, step_type: str) -> Iterator[Snippet]:
    """pytest-bdd step definitions that would match `text`, one per expression Cucumber's
    generator proposes (`{int}` and `{float}` for a number, ...)."""
    keyword = _KEYWORD.get(step_type, "step")
    for expression in CucumberExpressionGenerator(ParameterTypeRegistry()).generate_expressions(
        text
    ):
        names: list[str] = list(expression.parameter_names)
        if not names and expression.source == text:
            pattern = json.dumps(text, ensure_ascii=False)
        else:
            pattern = f"CucumberExpression({json.dumps(expression.source, ensure_ascii=False)})"
        yield Snippet(
            f"@{keyword}({pattern})\ndef _({', '.join(names)}):\n    raise Pending",
            "python",
        )


def _node_lines(document: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """Gherkin node id -> line (scenarios and steps), and example row id -> its index among the
    rows of its outline (the index pytest-bdd parametrizes with)."""
    lines: dict[str, int] = {}
    rows: dict[str, int] = {}

    def scenario(node: dict[str, Any]) -> None:
        lines[node["id"]] = node["location"]["line"]
        for step in node["steps"]:
            lines[step["id"]] = step["location"]["line"]
        index = 0
        for examples in node.get("examples", []):
            if "tableHeader" not in examples:
                continue
            for row in examples.get("tableBody", []):
                rows[row["id"]] = index
                index += 1

    def children(nodes: list[dict[str, Any]]) -> None:
        for child in nodes:
            if "background" in child:
                for step in child["background"]["steps"]:
                    lines[step["id"]] = step["location"]["line"]
            elif "rule" in child:
                children(child["rule"]["children"])
            elif "scenario" in child:
                scenario(child["scenario"])

    children(document.get("feature", {}).get("children", []))
    return lines, rows


_TRAILING_BLANK_LINES = re.compile(r"(?:\n[ \t]*)+$")


def _trim_descriptions(node: Any) -> None:
    """Drop the blank lines that end a description, as Gherkin's other implementations do
    (gherkin-official for Python keeps a last line of spaces before the next keyword)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = _TRAILING_BLANK_LINES.sub("", value)
            else:
                _trim_descriptions(value)
    elif isinstance(node, list):
        for item in node:
            _trim_descriptions(item)


def _hook_for(run: Run) -> str | None:
    if run.phase == "setup" or (run.phase is None and run.message and not _in_a_step(run)):
        return SETUP_HOOK
    if run.phase in ("call", "teardown"):
        return TEARDOWN_HOOK
    return None


def _in_a_step(run: Run) -> bool:
    return any(step.message for step in run.steps) or run.status is not Status.SKIPPED


def _arguments(result: StepResult) -> list[StepMatchArgument]:
    return [message_converter.from_dict(a, StepMatchArgument) for a in result.arguments or []]


def _run(case: Case) -> Run:
    assert case.run is not None
    return case.run


def _timestamp(seconds: float) -> Timestamp:
    whole = int(seconds)
    return Timestamp(round((seconds - whole) * 1_000_000_000) % 1_000_000_000, whole)


def _duration(seconds: float) -> Duration:
    nanos = max(0, round(seconds * 1_000_000_000))
    return Duration(nanos % 1_000_000_000, nanos // 1_000_000_000)


def _meta() -> MessageMeta:
    return MessageMeta(
        cpu=Product(platform.machine() or "unknown"),
        implementation=Product("pytest-bdd-livingdoc", version("pytest-bdd-livingdoc")),
        os=Product(platform.system() or "unknown", platform.release() or None),
        protocol_version=version("cucumber-messages"),
        runtime=Product(platform.python_implementation(), platform.python_version()),
        ci=_ci(),
    )


def _ci() -> Ci | None:
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return None
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    run = os.environ.get("GITHUB_RUN_ID", "")
    git = None
    if os.environ.get("GITHUB_SHA"):
        git = Git(
            f"{server}/{repository}.git",
            os.environ["GITHUB_SHA"],
            branch=os.environ.get("GITHUB_REF_NAME"),
        )
    return Ci(
        "GitHub Actions", build_number=run, git=git, url=f"{server}/{repository}/actions/runs/{run}"
    )
