"""Write the documentation files of one run."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

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
) -> list[Path]:
    page = output / "living-docs" / "index.html"
    cucumber = output / "cucumber.json"
    messages = output / "messages.ndjson"
    page.parent.mkdir(parents=True, exist_ok=True)
    # Before `merge`, which attaches the runs to the cases: the record is what was recorded.
    write(output / RECORD_FILE, record)
    document = merge(features, record.runs, record.meta, rootdir, record.operations)
    page.write_text(render_page(document), encoding="utf-8")
    cucumber.write_text(
        json.dumps(to_cucumber(document), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_messages(messages, document, rootdir)
    written = [page, cucumber, messages, output / RECORD_FILE]
    if junit is not None and junit.is_file():
        rename_cases(junit, document, junit_prefix)
        written.append(junit)
    return written


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
