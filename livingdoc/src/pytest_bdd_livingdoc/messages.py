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

import orjson
from cucumber_expressions.expression_generator import CucumberExpressionGenerator
from cucumber_expressions.parameter_type_registry import ParameterTypeRegistry
from cucumber_messages import (
    Ci,
    Envelope,
    Git,
    Hook,
    HookType,
    Product,
    Snippet,
    SourceReference,
    Suggestion,
    TestRunFinished,
    TestRunStarted,
    TestStepResultStatus,
    Timestamp,
    message_converter,
)
from cucumber_messages import (
    Exception as MessageException,
)
from cucumber_messages import (
    Meta as MessageMeta,
)
from gherkin.ast_builder import AstBuilder
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from gherkin.stream.id_generator import IdGenerator
from gherkin.token_matcher import TokenMatcher

from pytest_bdd_livingdoc.model import Case, Document, Feature, Run, Status, StepResult

MEDIA_TYPE = "text/x.cucumber.gherkin+plain"
_STATUS: dict[Status, str] = {
    Status.PASSED: TestStepResultStatus.passed.value,
    Status.FAILED: TestStepResultStatus.failed.value,
    Status.UNDEFINED: TestStepResultStatus.undefined.value,
    Status.PENDING: TestStepResultStatus.pending.value,
    Status.SKIPPED: TestStepResultStatus.skipped.value,
    Status.NOT_RUN: TestStepResultStatus.skipped.value,
}
_SUCCESS = {TestStepResultStatus.passed.value, TestStepResultStatus.skipped.value}
_SKIPPED = StepResult(Status.SKIPPED)
_ZERO = {"nanos": 0, "seconds": 0}
_KEYWORD = {"Context": "given", "Action": "when", "Outcome": "then"}
SETUP_HOOK = "pytest setup"
TEARDOWN_HOOK = "pytest teardown"


def write_messages(path: Path, document: Document, rootdir: Path) -> None:
    envelopes = to_messages(document, rootdir)
    # orjson: 200,000 envelopes for 10,000 scenarios, written 5x faster than by the json module.
    path.write_bytes(b"".join(orjson.dumps(envelope) + b"\n" for envelope in envelopes))


def to_messages(document: Document, rootdir: Path) -> list[dict[str, Any]]:
    """Every envelope, as the JSON object it is written as."""
    return _Stream(document, rootdir).envelopes()


class _Stream:
    """The messages of one run.

    The envelopes written once per run (meta, step definitions, hooks, suggestions, the run's
    start and end) are built with cucumber-messages' types and its converter. The gherkin
    events are gherkin-official's own dicts, and the per-scenario and per-step envelopes
    (testCase, testCaseStarted, testStepStarted/Finished, testCaseFinished) are written as dicts
    of the same shape: the package's converter reflects on the types at every field (profiled:
    2 ms a scenario, 20 s for 10,000), and the Compatibility Kit checks the shape
    (tests/test_cck.py).
    """

    def __init__(self, document: Document, rootdir: Path) -> None:
        self.document = document
        self.rootdir = rootdir
        parsed = next((f.parsed for f in document.features if f.parsed is not None), None)
        # The ids continue those gherkin-official gave the documents' nodes when they were
        # parsed (features.parse_features).
        self.ids: IdGenerator = IdGenerator() if parsed is None else parsed.ids
        self.parser = Parser(AstBuilder(self.ids))
        self.compiler = Compiler(self.ids)
        self.out: list[dict[str, Any]] = []
        # Per case (by its id()): its pickle; per pickle step id, the line of its Gherkin step.
        self.pickles: dict[int, dict[str, Any]] = {}
        self.step_lines: dict[str, int] = {}
        self.failed = False

    def next_id(self) -> str:
        return self.ids.get_next_id()

    def envelopes(self) -> list[dict[str, Any]]:
        self.out.append(_plain(Envelope(meta=_meta())))
        for feature in self.document.features:
            self._feature(feature)
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
            _plain(
                Envelope(
                    test_run_started=TestRunStarted(_timestamp(self.document.meta.started), run_id)
                )
            )
        )
        plans = [self._test_case(case, run_id, definition_ids, hooks) for case in ran]
        for case, (test_case_id, steps) in zip(ran, plans, strict=True):
            self._execution(case, test_case_id, steps)
        self.out.append(_plain(Envelope(test_run_finished=self._finished(run_id, ran))))
        return self.out

    # --- the specification ---------------------------------------------------------------

    def _feature(self, feature: Feature) -> None:
        path = feature.path
        if feature.parsed is None:  # a tree built by hand: parse its file now
            file = self.rootdir / path
            text = file.read_text(encoding="utf-8") if file.is_file() else ""
            document: dict[str, Any] = {**self.parser.parse(text, TokenMatcher()), "uri": path}
        else:
            text, document = feature.parsed.source, feature.parsed.document
        self.out.append({"source": {"data": text, "mediaType": MEDIA_TYPE, "uri": path}})
        _trim_descriptions(document)
        self.out.append({"gherkinDocument": document})
        lines, rows = _node_lines(document)
        cases: dict[tuple[str, int | None, int | None], Case] = {
            case.key: case for case in feature.cases()
        }
        for typed in self.compiler.compile(document):  # type: ignore[arg-type]
            pickle: dict[str, Any] = dict(typed)
            self.out.append({"pickle": pickle})
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
                {
                    "stepDefinition": {
                        "id": ids[definition.key],
                        "pattern": {"source": definition.source, "type": definition.pattern_type},
                        "sourceReference": {
                            "location": {"line": definition.line},
                            "uri": definition.uri,
                        },
                    }
                }
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
                _plain(
                    Envelope(
                        hook=Hook(ids[name], SourceReference(uri="pytest"), name=name, type=kind)
                    )
                )
            )
        return ids

    def _test_case(
        self, case: Case, run_id: str, definition_ids: dict[str, str], hooks: dict[str, str]
    ) -> tuple[str, list[tuple[dict[str, Any], StepResult | None]]]:
        pickle = self.pickles[id(case)]
        results = dict(zip((step.line for step in case.steps), case.step_results(), strict=True))
        step_lines = self.step_lines
        next_id = self.ids.get_next_id
        steps: list[tuple[dict[str, Any], StepResult | None]] = []
        hook = _hook_for(_run(case))
        if hook == SETUP_HOOK:
            steps.append(({"id": next_id(), "hookId": hooks[hook]}, None))
        for pickle_step in pickle["steps"]:
            result = results.get(step_lines[pickle_step["id"]], _SKIPPED)
            definition = definition_ids.get(result.definition or "")
            step: dict[str, Any] = {"id": next_id(), "pickleStepId": pickle_step["id"]}
            if definition is None:
                step["stepDefinitionIds"] = []
                step["stepMatchArgumentsLists"] = []
            else:
                step["stepDefinitionIds"] = [definition]
                step["stepMatchArgumentsLists"] = [{"stepMatchArguments": result.arguments or []}]
            steps.append((step, result))
        if hook == TEARDOWN_HOOK:
            steps.append(({"id": next_id(), "hookId": hooks[hook]}, None))
        test_case_id = next_id()
        self.out.append(
            {
                "testCase": {
                    "id": test_case_id,
                    "pickleId": pickle["id"],
                    "testSteps": [step for step, _ in steps],
                    "testRunStartedId": run_id,
                }
            }
        )
        return test_case_id, steps

    # --- the execution -------------------------------------------------------------------

    def _execution(
        self,
        case: Case,
        test_case_id: str,
        steps: list[tuple[dict[str, Any], StepResult | None]],
    ) -> None:
        run = _run(case)
        started_id = self.next_id()
        started: dict[str, Any] = {
            "attempt": 0,
            "id": started_id,
            "testCaseId": test_case_id,
            "timestamp": _timestamp_of(run.started),
        }
        if run.worker is not None:
            started["workerId"] = run.worker
        out = self.out
        out.append({"testCaseStarted": started})
        clock = run.started
        for step, result in steps:
            outcome: dict[str, Any]
            if result is None:  # the pytest hook: the failure or skip outside the steps
                status = Status.FAILED if run.phase else run.status
                outcome = {"duration": _ZERO, "status": _STATUS[status]}
                if run.message is not None:
                    outcome["exception"] = {
                        "type": f"pytest {run.phase or 'skip'}",
                        "message": run.message,
                    }
                    outcome["message"] = run.message
                duration = 0.0
            else:
                clock = max(clock, result.started or clock)
                duration = result.duration
                outcome = {"duration": _duration_of(duration), "status": _STATUS[result.status]}
                if result.exception is not None:
                    outcome["exception"] = {
                        key: value for key, value in result.exception.items() if value is not None
                    }
                if result.message is not None:
                    outcome["message"] = result.message
            if outcome["status"] not in _SUCCESS:
                self.failed = True
            out.append(
                {
                    "testStepStarted": {
                        "testCaseStartedId": started_id,
                        "testStepId": step["id"],
                        "timestamp": _timestamp_of(clock),
                    }
                }
            )
            if result is not None and result.status is Status.UNDEFINED and "pickleStepId" in step:
                suggestion = self._suggestion(case, step["pickleStepId"])
                out.append(_plain(Envelope(suggestion=suggestion)))
            clock += duration
            out.append(
                {
                    "testStepFinished": {
                        "testCaseStartedId": started_id,
                        "testStepId": step["id"],
                        "testStepResult": outcome,
                        "timestamp": _timestamp_of(clock),
                    }
                }
            )
        out.append(
            {
                "testCaseFinished": {
                    "testCaseStartedId": started_id,
                    "timestamp": _timestamp_of(max(clock, run.finished)),
                    "willBeRetried": False,
                }
            }
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


def _trim_descriptions(document: dict[str, Any]) -> None:
    """Drop the blank lines that end a description, as Gherkin's other implementations do
    (gherkin-official for Python keeps a last line of spaces before the next keyword). Only
    features, rules, backgrounds, scenarios and examples have one."""

    def trim(node: dict[str, Any]) -> None:
        if node.get("description"):
            node["description"] = _TRAILING_BLANK_LINES.sub("", node["description"])

    def children(nodes: list[dict[str, Any]]) -> None:
        for child in nodes:
            for kind in ("background", "rule", "scenario"):
                if kind in child:
                    trim(child[kind])
            if "rule" in child:
                children(child["rule"].get("children", []))
            for examples in child.get("scenario", {}).get("examples", []):
                trim(examples)

    feature = document.get("feature")
    if feature is not None:
        trim(feature)
        children(feature.get("children", []))


def _hook_for(run: Run) -> str | None:
    if run.phase == "setup" or (run.phase is None and run.message and not _in_a_step(run)):
        return SETUP_HOOK
    if run.phase in ("call", "teardown"):
        return TEARDOWN_HOOK
    return None


def _in_a_step(run: Run) -> bool:
    return any(step.message for step in run.steps) or run.status is not Status.SKIPPED


def _run(case: Case) -> Run:
    assert case.run is not None
    return case.run


def _timestamp(seconds: float) -> Timestamp:
    whole = int(seconds)
    return Timestamp(round((seconds - whole) * 1_000_000_000) % 1_000_000_000, whole)


def _timestamp_of(seconds: float) -> dict[str, int]:
    whole = int(seconds)
    return {"nanos": round((seconds - whole) * 1_000_000_000) % 1_000_000_000, "seconds": whole}


def _duration_of(seconds: float) -> dict[str, int]:
    nanos = max(0, round(seconds * 1_000_000_000))
    return {"nanos": nanos % 1_000_000_000, "seconds": nanos // 1_000_000_000}


def _plain(envelope: Envelope) -> dict[str, Any]:
    plain: dict[str, Any] = message_converter.to_dict(envelope)
    return plain


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
