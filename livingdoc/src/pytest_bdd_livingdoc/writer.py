"""Write the documentation files of one run."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from pytest_bdd_livingdoc import options
from pytest_bdd_livingdoc.cucumber import to_cucumber
from pytest_bdd_livingdoc.features import find_feature_files, parse_features, relative_path
from pytest_bdd_livingdoc.html import render_page
from pytest_bdd_livingdoc.junit import rename_cases, write_errors_only
from pytest_bdd_livingdoc.merge import merge
from pytest_bdd_livingdoc.messages import write_messages
from pytest_bdd_livingdoc.model import Feature, Meta, RunError
from pytest_bdd_livingdoc.record import RECORD_FILE, Record, write


def write_outputs(
    output: Path,
    features: list[Feature],
    record: Record,
    rootdir: Path,
    junit: Path | None = None,
    junit_prefix: str | None = None,
    timings: dict[str, float] | None = None,
) -> list[Path]:
    """Write every output; `timings`, if given, gets the seconds each took."""
    page = output / "living-docs" / "index.html"
    cucumber = output / "cucumber.json"
    messages = output / "messages.ndjson"
    page.parent.mkdir(parents=True, exist_ok=True)
    clock = _Clock(timings)
    with quiet_collector():
        # Before `merge`, which attaches the runs to the cases: the record is what was recorded.
        write(output / RECORD_FILE, record)
        clock.lap("record")
        document = merge(features, record.runs, record.meta, rootdir, record.operations)
        clock.lap("merge")
        page.write_text(render_page(document, record.steps_section), encoding="utf-8")
        clock.lap("page")
        cucumber.write_bytes(
            orjson.dumps(to_cucumber(document), option=orjson.OPT_INDENT_2) + b"\n"
        )
        clock.lap("cucumber.json")
        write_messages(messages, document, rootdir)
        clock.lap("messages")
        written = [page, cucumber, messages, output / RECORD_FILE]
        if junit is not None and junit.is_file():
            rename_cases(junit, document, junit_prefix)
            written.append(junit)
            clock.lap("junit")
    return written


@contextmanager
def quiet_collector() -> Iterator[None]:
    """No cyclic garbage collection while the outputs are built: a big run allocates millions
    of small objects and frees none until the end, and the collector would walk them all again
    and again (measured at 10,000 scenarios: a third of the time). Reference counting still
    frees what can be freed."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[name] = now - self.last
        self.last = now


def write_start_up_failure(config: pytest.Config, output: Path, error: RunError) -> None:
    """A conftest raised while pytest started: pytest stops before configuring any plugin, so
    the outputs are written here, from the feature files and that one error."""
    rootdir = config.rootpath
    meta = Meta(
        title=config.getini(options.TITLE) or "Living documentation",
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        commit=None,
        wall_time=0.0,
        errors=[error],
        started=time.time(),
    )
    directory = options.features_dir(config)
    features = parse_features(find_feature_files(directory), rootdir)
    record = Record(meta, relative_path(directory, rootdir), bound=[], operations=None)
    write_outputs(output, features, record, rootdir)
    xmlpath = getattr(config.known_args_namespace, "xmlpath", None)
    if xmlpath:
        write_errors_only(Path(config.invocation_params.dir, xmlpath), [error])
