"""The pytest plugin (entry point `livingdoc`): the guards, the step lookup cache, the page.

Installing the package registers it with pytest. At start-up it switches on the step lookup cache
(step_lookup.py, unless `livingdoc_step_lookup_cache = false`) and registers the guards
(guards.py, unless `livingdoc_guards = false`); it records the scenarios and writes the
documentation only when `--living-docs=DIR` is given.

Where things happen, so the record is complete under pytest-xdist:
- in the process that runs a test (an xdist worker, or the only process), pytest-bdd's hooks
  and `pytest_runtest_makereport` build an `ItemTrace`; the teardown report carries the
  finished record in `user_properties`, which xdist serialises to the controller;
- in the controller, `pytest_runtest_logreport` takes the record back off the report (so the
  JUnit XML stays lean) and `pytest_sessionfinish` merges the records with the parsed
  `.feature` files and writes `DIR/living-docs/index.html` and `DIR/cucumber.json`.
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
from pytest_bdd.parser import ScenarioTemplate
from pytest_bdd.parser import Step as BddStep
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

from pytest_bdd_livingdoc import options, step_catalogue, step_lookup
from pytest_bdd_livingdoc.api import RequestRecorder, load_operations
from pytest_bdd_livingdoc.features import find_feature_files, parse_features, relative_path
from pytest_bdd_livingdoc.model import ApiCall, Meta, Run, Status
from pytest_bdd_livingdoc.outcome import ItemTrace, PhaseOutcome, StepEvent, build_run, truncate

RECORD_PROPERTY = "livingdoc"
OUTLINE_PARAMETER = "_pytest_bdd_example"
TRACE = pytest.StashKey[ItemTrace]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("livingdoc", "living documentation")
    group.addoption(
        "--living-docs",
        metavar="DIR",
        default=None,
        help="write DIR/living-docs/index.html and DIR/cucumber.json for the pytest-bdd scenarios",
    )
    step_catalogue.add_option(group)
    options.add_ini_options(parser)


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    if config.getoption(step_catalogue.OPTION):
        return step_catalogue.show(config)
    return None


def pytest_configure(config: pytest.Config) -> None:
    # The @wip marker, and pending scenarios turned into skips (wip.py).
    config.pluginmanager.import_plugin("pytest_bdd_livingdoc.wip")
    if config.getini(options.STEP_LOOKUP_CACHE):
        step_lookup.install(config)
    if config.getini(options.GUARDS):
        # By module name, so `-p pytest_bdd_livingdoc.guards` as well loads it only once.
        config.pluginmanager.import_plugin("pytest_bdd_livingdoc.guards")
    directory = config.getoption("--living-docs")
    if directory:
        config.pluginmanager.register(LivingDocs(config, Path(directory)), "livingdoc-recorder")


class LivingDocs:
    def __init__(self, config: pytest.Config, output: Path) -> None:
        self.config = config
        self.output = output if output.is_absolute() else Path(config.invocation_params.dir, output)
        self.rootdir = config.rootpath
        self.is_worker = hasattr(config, "workerinput")
        self.current: ItemTrace | None = None
        self.records: list[dict[str, Any]] = []
        self.instrumented: weakref.WeakSet[Any] = weakref.WeakSet()
        self.locations: dict[Callable[..., object], str | None] = {}
        self.written: list[Path] = []
        self.write_seconds = 0.0
        self.started = time.perf_counter()

    # --- in the process that runs the tests ---------------------------------------------

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
        return ItemTrace(
            feature=relative_path(Path(template.feature.filename), self.rootdir),
            line=template.line_number,
            row=row,
            nodeid=item.nodeid,
            step_lines=[step.line_number for step in template.steps],
        )

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
                    step.line_number, match=self.locations[step_func], started=time.perf_counter()
                )
            )

    def pytest_bdd_after_step(self, request: pytest.FixtureRequest) -> None:
        self._finish_step(request, Status.PASSED, None)

    def pytest_bdd_step_error(self, request: pytest.FixtureRequest, exception: Exception) -> None:
        self._finish_step(request, Status.FAILED, _describe(exception, self.rootdir))

    def pytest_bdd_step_func_lookup_error(
        self, request: pytest.FixtureRequest, step: BddStep, exception: Exception
    ) -> None:
        trace = request.node.stash.get(TRACE, None)
        if trace is not None:
            message = f'No step definition matches {step.type.capitalize()} "{step.name}"'
            # The undefined-step guard's error names the closest wordings (suggestions.py).
            for suggestion in getattr(exception, "suggestions", []):
                message += f"\nclosest wording: {step.keyword.strip()} {suggestion}"
            trace.events.append(StepEvent(step.line_number, Status.UNDEFINED, message=message))

    def _finish_step(
        self, request: pytest.FixtureRequest, status: Status, message: str | None
    ) -> None:
        trace = request.node.stash.get(TRACE, None)
        if trace is not None and trace.events and trace.events[-1].status is None:
            event = trace.events[-1]
            event.status = status
            event.duration = time.perf_counter() - event.started
            event.message = message

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

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        if self.is_worker:
            return
        from pytest_bdd_livingdoc.writer import write_outputs  # Jinja2 is loaded only when writing

        meta = Meta(
            title=self.config.getini(options.TITLE) or "Living documentation",
            generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            commit=_commit(self.rootdir),
            wall_time=time.perf_counter() - self.started,
        )
        spec = self.config.getini(options.OPENAPI)
        writing = time.perf_counter()
        self.written = write_outputs(
            output=self.output,
            features=parse_features(
                find_feature_files(options.features_dir(self.config)), self.rootdir
            ),
            runs=[Run.from_record(record) for record in self.records],
            meta=meta,
            rootdir=self.rootdir,
            operations=load_operations(spec) if spec else None,
            steps=_step_catalogue(self.config),
        )
        self.write_seconds = time.perf_counter() - writing

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        for path in self.written:
            terminalreporter.write_line(f"living docs: {path}")
        if self.written:
            terminalreporter.write_line(f"living docs: written in {self.write_seconds:.2f} s")


def _step_catalogue(config: pytest.Config) -> step_catalogue.StepCatalogue | None:
    """The page's step catalogue section, when `livingdoc_step_packages` names the steps."""
    if not config.getini(options.STEP_PACKAGES):
        return None
    return step_catalogue.for_config(config)


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
    return PhaseOutcome(report.outcome, report.duration, message, wasxfail)


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
