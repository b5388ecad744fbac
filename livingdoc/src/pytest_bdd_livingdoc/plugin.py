"""The pytest plugin (entry point `livingdoc`): the guards, the step lookup cache, the page.

Installing the package registers it with pytest. At start-up it switches on the step lookup cache
(step_lookup.py, unless `livingdoc_step_lookup_cache = false`) and registers the guards
(guards.py, unless `livingdoc_guards = false`); a `Pending` raised in a scenario always becomes a
skip with its reason. It records the scenarios and writes the documentation only when
`--living-docs=DIR` is given.

Where things happen, so the record is complete under pytest-xdist:
- in the process that runs a test (an xdist worker, or the only process), pytest-bdd's hooks
  and `pytest_runtest_makereport` build an `ItemTrace`; the teardown report carries the
  finished record in `user_properties`, which xdist serialises to the controller; the process
  that collects lists the step definitions and the feature files its tests bind, which an xdist
  worker sends in its `workeroutput`;
- in the controller, `pytest_runtest_logreport` takes the record back off the report (so the
  JUnit XML stays lean), collection and internal errors are noted, and `pytest_sessionfinish`
  merges it all with the parsed `.feature` files and writes the page, `cucumber.json`,
  `messages.ndjson` and, with `--junitxml`, renames the scenarios' cases in the JUnit XML.
- a conftest that raises while pytest starts stops pytest before any of that: the plugin then
  writes the outputs from the feature files and that one error (`pytest_load_initial_conftests`).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import time
import traceback
import weakref
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from _pytest.config import ConftestImportFailure
from pytest_bdd.parser import ScenarioTemplate
from pytest_bdd.parser import Step as BddStep
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

from pytest_bdd_livingdoc import definitions, errors, options, step_catalogue, step_lookup
from pytest_bdd_livingdoc.api import RequestRecorder, load_operations
from pytest_bdd_livingdoc.features import find_feature_files, parse_features, relative_path
from pytest_bdd_livingdoc.model import ApiCall, Meta, Run, RunError, Status, StepDefinition
from pytest_bdd_livingdoc.outcome import (
    MESSAGE_LIMIT,
    ItemTrace,
    PhaseOutcome,
    StepEvent,
    build_run,
    truncate,
)
from pytest_bdd_livingdoc.pending import Pending
from pytest_bdd_livingdoc.record import Record

RECORD_PROPERTY = "livingdoc"
WORKER_OUTPUT = "livingdoc"
OUTLINE_PARAMETER = "_pytest_bdd_example"
TRACE = pytest.StashKey[ItemTrace]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("livingdoc", "living documentation")
    group.addoption(
        "--living-docs",
        metavar="DIR",
        default=None,
        help="write DIR/living-docs/index.html, DIR/cucumber.json and DIR/messages.ndjson for "
        "the pytest-bdd scenarios",
    )
    step_catalogue.add_option(group)
    options.add_ini_options(parser)


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    if config.getoption(step_catalogue.OPTION):
        return step_catalogue.show(config)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, None, None]:
    try:
        yield
    except ConftestImportFailure as failure:
        # pytest stops right after this; nothing else of the plugin will run.
        directory = getattr(early_config.known_args_namespace, "living_docs", None)
        if directory:
            from pytest_bdd_livingdoc.writer import write_start_up_failure

            error = errors.from_exception(errors.START_UP, failure.cause, early_config.rootpath)
            write_start_up_failure(early_config, _output_dir(early_config, directory), error)
        raise


def pytest_configure(config: pytest.Config) -> None:
    # The @wip marker (wip.py).
    config.pluginmanager.import_plugin("pytest_bdd_livingdoc.wip")
    if config.getini(options.STEP_LOOKUP_CACHE):
        step_lookup.install(config)
    if config.getini(options.GUARDS):
        # By module name, so `-p pytest_bdd_livingdoc.guards` as well loads it only once.
        config.pluginmanager.import_plugin("pytest_bdd_livingdoc.guards")
    directory = config.getoption("--living-docs")
    if directory:
        recorder = LivingDocs(config, _output_dir(config, directory))
        config.pluginmanager.register(recorder, "livingdoc-recorder")


def _output_dir(config: pytest.Config, directory: str) -> Path:
    output = Path(directory)
    return output if output.is_absolute() else Path(config.invocation_params.dir, output)


def _is_scenario(item: pytest.Item) -> bool:
    template = registry_get_safe(scenario_wrapper_template_registry, getattr(item, "obj", None))
    return isinstance(template, ScenarioTemplate)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    except Pending as pending:
        if not _is_scenario(item):
            raise  # only a scenario can be pending: anywhere else, it fails the test
        reason = f"Pending: {pending}" if str(pending) else "Pending"
        # A skip, so a run whose only unfinished scenarios are pending passes; the record keeps
        # them `pending` (the cause tells `_phase_outcome`).
        raise pytest.skip.Exception(reason, _use_item_location=True) from pending


class LivingDocs:
    def __init__(self, config: pytest.Config, output: Path) -> None:
        self.config = config
        self.output = output
        self.rootdir = config.rootpath
        self.is_worker = hasattr(config, "workerinput")
        self.worker: str | None = os.environ.get("PYTEST_XDIST_WORKER")
        self.current: ItemTrace | None = None
        self.records: list[dict[str, Any]] = []
        self.instrumented: weakref.WeakSet[Any] = weakref.WeakSet()
        self.locations: dict[Callable[..., object], str | None] = {}
        self.collected: list[pytest.Item] = []
        self.definitions: set[StepDefinition] = set()
        self.bound: set[str] = set()  # feature files (relative paths) some collected test binds
        self.errors: list[RunError] = []
        self.written: list[Path] = []
        self.write_seconds = 0.0
        self.started = time.perf_counter()
        self.started_at = time.time()
        # The commit the run starts from is the code it runs, whatever is committed meanwhile.
        self.commit = None if self.is_worker else _commit(self.rootdir)

    # --- in the process that collects and runs the tests ---------------------------------

    def pytest_itemcollected(self, item: pytest.Item) -> None:
        template = registry_get_safe(scenario_wrapper_template_registry, getattr(item, "obj", None))
        if isinstance(template, ScenarioTemplate):
            self.collected.append(item)
            self.bound.add(relative_path(Path(template.feature.filename), self.rootdir))

    def pytest_collection_finish(self) -> None:
        # Deselected tests count too: their feature files are bound, and their definitions known.
        self.definitions.update(definitions.run_definitions(self.collected, self.rootdir))
        self.collected = []
        if self.is_worker:
            self.config.workeroutput[WORKER_OUTPUT] = {  # type: ignore[attr-defined]
                "definitions": [d.to_record() for d in sorted(self.definitions, key=_by_place)],
                "bound": sorted(self.bound),
            }

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        self.current = self._trace_for(item)
        if self.current is not None:
            item.stash[TRACE] = self.current
        try:
            return (yield)
        finally:
            self.current = None

    def _trace_for(self, item: pytest.Item) -> ItemTrace | None:
        template = registry_get_safe(scenario_wrapper_template_registry, getattr(item, "obj", None))
        if not isinstance(template, ScenarioTemplate):
            return None
        callspec = getattr(item, "callspec", None)
        row = None if callspec is None else callspec.indices.get(OUTLINE_PARAMETER)
        example = {} if callspec is None else callspec.params.get(OUTLINE_PARAMETER, {})
        return ItemTrace(
            feature=relative_path(Path(template.feature.filename), self.rootdir),
            line=template.line_number,
            row=row,
            nodeid=item.nodeid,
            step_lines=[step.line_number for step in template.steps],
            matches=self._matches(item, template, example),
            started=time.time(),
            worker=self.worker,
        )

    def _matches(
        self, item: pytest.Item, template: ScenarioTemplate, example: dict[str, str]
    ) -> dict[int, definitions.Match | None]:
        # Cucumber names each step's definition before the scenario runs, and so does the record:
        # a step after a failure still shows what would have run it, or that nothing would.
        manager = item.session._fixturemanager
        return {
            step.line_number: definitions.match(step, manager, item, self.rootdir)
            for step in template.render(example).steps
        }

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self) -> Generator[None, Any, Any]:
        value = yield
        # Starlette is optional: where it was never imported, no fixture can have built an app.
        applications = sys.modules.get("starlette.applications")
        if applications is None or not isinstance(value, applications.Starlette):
            return value
        if value not in self.instrumented:
            # Whichever fixture builds the app: requests are credited to the running test.
            self.instrumented.add(value)
            if value.middleware_stack is None:
                value.add_middleware(RequestRecorder, sink=self._record_call)
            else:  # already serving: wrap what it serves with
                value.middleware_stack = RequestRecorder(value.middleware_stack, self._record_call)
        return value

    def _record_call(self, call: ApiCall) -> None:
        if self.current is not None:
            self.current.api_calls.append(call)

    def pytest_bdd_before_step(
        self, request: pytest.FixtureRequest, step: BddStep, step_func: Callable[..., object]
    ) -> None:
        trace = request.node.stash.get(TRACE, None)
        if trace is not None:
            if step_func not in self.locations:
                self.locations[step_func] = _location(step_func, self.rootdir)
            trace.events.append(
                StepEvent(
                    step.line_number,
                    match=self.locations[step_func],
                    started=time.perf_counter(),
                    started_at=time.time(),
                )
            )

    def pytest_bdd_after_step(self, request: pytest.FixtureRequest) -> None:
        self._finish_step(request, Status.PASSED, None, None)

    def pytest_bdd_step_error(self, request: pytest.FixtureRequest, exception: Exception) -> None:
        status = Status.PENDING if isinstance(exception, Pending) else Status.FAILED
        self._finish_step(
            request, status, _describe(exception, self.rootdir), _exception(exception)
        )

    def pytest_bdd_step_func_lookup_error(
        self, request: pytest.FixtureRequest, step: BddStep, exception: Exception
    ) -> None:
        trace = request.node.stash.get(TRACE, None)
        if trace is not None:
            message = f'No step definition matches {step.type.capitalize()} "{step.name}"'
            # The undefined-step guard's error names the closest wordings (suggestions.py), and
            # is a `Pending` for a scenario of work in progress (@wip): not written yet.
            for suggestion in getattr(exception, "suggestions", []):
                message += f"\nclosest wording: {step.keyword.strip()} {suggestion}"
            status = Status.PENDING if isinstance(exception, Pending) else Status.UNDEFINED
            trace.events.append(
                StepEvent(step.line_number, status, message=message, started_at=time.time())
            )

    def _finish_step(
        self,
        request: pytest.FixtureRequest,
        status: Status,
        message: str | None,
        exception: dict[str, str] | None,
    ) -> None:
        trace = request.node.stash.get(TRACE, None)
        if trace is not None and trace.events and trace.events[-1].status is None:
            event = trace.events[-1]
            event.status = status
            event.duration = time.perf_counter() - event.started
            event.message = message
            event.exception = exception

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        trace = item.stash.get(TRACE, None)
        if trace is None:
            return report
        trace.phases[call.when] = _phase_outcome(call, report, self.rootdir)
        if call.when == "teardown":
            trace.finished = time.time()
            report.user_properties.append((RECORD_PROPERTY, build_run(trace).to_record()))
        return report

    # --- in the controller ---------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:
            return  # the worker's report goes to the controller as it is
        kept = []
        for name, value in report.user_properties:
            if name == RECORD_PROPERTY and isinstance(value, dict):
                self.records.append(value)
            else:
                kept.append((name, value))
        report.user_properties = kept

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # Under xdist the controller hears of the workers' failed collections too.
        if not self.is_worker and report.failed:
            self.errors.append(errors.from_collect_report(report))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any) -> None:
        output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
        if output:
            self.definitions.update(StepDefinition.from_record(d) for d in output["definitions"])
            self.bound.update(output["bound"])

    def pytest_internalerror(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        if not self.is_worker:
            self.errors.append(errors.from_exception(errors.INTERNAL, excinfo.value, self.rootdir))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker:
            return
        self._write()
        if self.failed_outside_scenarios and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_unconfigure(self) -> None:
        # A plugin that raised in pytest_sessionstart: pytest skips pytest_sessionfinish.
        if not self.is_worker and not self.written:
            self._write()

    @property
    def failed_outside_scenarios(self) -> bool:
        return bool(self.errors)

    def _write(self) -> None:
        # Jinja2 and orjson are loaded only when writing.
        from pytest_bdd_livingdoc.writer import quiet_collector

        with quiet_collector():
            self._write_outputs()

    def _write_outputs(self) -> None:
        from pytest_bdd_livingdoc.writer import write_outputs

        directory = options.features_dir(self.config)
        features = parse_features(find_feature_files(directory), self.rootdir)
        if not any(error.kind == errors.COLLECTION for error in self.errors):
            # A test module that failed to import binds nothing: that error says it already.
            self.errors += errors.unbound(features, self.bound)
        self.errors = errors.unique(self.errors)
        meta = Meta(
            title=self.config.getini(options.TITLE) or "Living documentation",
            generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            commit=self.commit,
            wall_time=time.perf_counter() - self.started,
            errors=self.errors,
            started=self.started_at,
            definitions=sorted(self.definitions, key=_by_place),
        )
        spec = self.config.getini(options.OPENAPI)
        writing = time.perf_counter()
        record = Record(
            meta=meta,
            features_dir=relative_path(directory, self.rootdir),
            bound=sorted(self.bound),
            operations=load_operations(spec) if spec else None,
            runs=[Run.from_record(record) for record in self.records],
            shard=_shard(self.config),
            steps_section=_steps_section(self.config),
        )
        self.written = write_outputs(
            output=self.output,
            features=features,
            record=record,
            rootdir=self.rootdir,
            junit=_junit_path(self.config),
            junit_prefix=self.config.getoption("junitprefix", None),
        )
        self.write_seconds = time.perf_counter() - writing

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        for error in self.errors:
            where = f" ({error.location})" if error.location else ""
            terminalreporter.write_line(f"living docs: {error.kind}{where}", red=True)
        for path in self.written:
            terminalreporter.write_line(f"living docs: {path}")
        if self.written:
            terminalreporter.write_line(f"living docs: written in {self.write_seconds:.2f} s")


def _shard(config: pytest.Config) -> list[int] | None:
    """[k, N] when pytest-split runs the k-th of N parts (its options, if it is installed)."""
    group, splits = config.getoption("group", None), config.getoption("splits", None)
    if isinstance(group, int) and isinstance(splits, int):
        return [group, splits]
    return None


def _steps_section(config: pytest.Config) -> str | None:
    """The page's step catalogue section, when `livingdoc_step_packages` names the steps."""
    if not config.getini(options.STEP_PACKAGES):
        return None
    from pytest_bdd_livingdoc.html import render_steps

    return render_steps(step_catalogue.for_config(config))


def _by_place(definition: StepDefinition) -> tuple[str, int, str]:
    return (definition.uri, definition.line, definition.key)


def _junit_path(config: pytest.Config) -> Path | None:
    path = config.getoption("xmlpath", None)
    if not path:
        return None
    return Path(config.invocation_params.dir, os.path.expanduser(str(path)))


def _phase_outcome(
    call: pytest.CallInfo[None], report: pytest.TestReport, rootdir: Path
) -> PhaseOutcome:
    message: str | None = None
    if call.excinfo is not None:
        if call.excinfo.errisinstance(pytest.skip.Exception):
            message = str(call.excinfo.value.msg)  # type: ignore[attr-defined]
        else:
            message = _describe(call.excinfo.value, rootdir)
    elif isinstance(report.longrepr, str):
        message = report.longrepr
    elif isinstance(report.longrepr, tuple):
        message = str(report.longrepr[2])  # (path, line, reason) of a skip
    wasxfail = getattr(report, "wasxfail", None)
    raised = None if call.excinfo is None else call.excinfo.value
    pending = raised is not None and isinstance(raised.__cause__, Pending)
    return PhaseOutcome(
        report.outcome,
        report.duration,
        message,
        wasxfail,
        pending=pending,
        exception=None if raised is None else _exception(raised),
    )


def _exception(exception: BaseException) -> dict[str, str]:
    """What was raised, as Cucumber Messages' Exception."""
    message = str(getattr(exception, "msg", None) or exception)
    return {
        "type": type(exception).__qualname__,
        "message": truncate(message) or "",
        "stackTrace": _tail(
            "".join(traceback.format_exception(type(exception), exception, exception.__traceback__))
        ),
    }


def _tail(text: str) -> str:
    # The innermost frames, where it was raised, end a traceback: keep those.
    if len(text) <= MESSAGE_LIMIT:
        return text
    return f"... ({len(text) - MESSAGE_LIMIT} characters before)\n" + text[-MESSAGE_LIMIT:]


def _describe(exception: BaseException, rootdir: Path) -> str:
    text = "".join(traceback.format_exception_only(type(exception), exception)).strip()
    frames = traceback.extract_tb(exception.__traceback__)
    # The deepest frame in the project is where a developer starts looking.
    for frame in reversed(frames):
        path = Path(frame.filename)
        if (
            path.is_relative_to(rootdir)
            and ".venv" not in path.parts
            and "site-packages" not in path.parts
        ):
            return (
                truncate(f"{text}\n  at {path.relative_to(rootdir).as_posix()}:{frame.lineno}")
                or ""
            )
    return truncate(text) or ""


def _location(function: Callable[..., object], rootdir: Path) -> str | None:
    code = getattr(inspect.unwrap(function), "__code__", None)
    if code is None:
        return None
    return f"{relative_path(Path(code.co_filename), rootdir)}:{code.co_firstlineno}"


def _commit(rootdir: Path) -> str | None:
    for variable in ("LIVING_DOCS_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT"):
        if os.environ.get(variable):
            return os.environ[variable][:12]
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=rootdir,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None
