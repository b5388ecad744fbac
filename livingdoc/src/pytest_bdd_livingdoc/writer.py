"""Write the documentation files of one run."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pytest_bdd_livingdoc import options
from pytest_bdd_livingdoc.cucumber import to_cucumber
from pytest_bdd_livingdoc.features import find_feature_files, parse_features
from pytest_bdd_livingdoc.html import render_page
from pytest_bdd_livingdoc.junit import rename_cases, write_errors_only
from pytest_bdd_livingdoc.merge import merge
from pytest_bdd_livingdoc.messages import write_messages
from pytest_bdd_livingdoc.model import Feature, Meta, Operation, Run, RunError
from pytest_bdd_livingdoc.step_catalogue import StepCatalogue


def write_outputs(
    output: Path,
    features: list[Feature],
    runs: list[Run],
    meta: Meta,
    rootdir: Path,
    operations: list[Operation] | None,
    junit: Path | None = None,
    junit_prefix: str | None = None,
    steps: StepCatalogue | None = None,
) -> list[Path]:
    document = merge(features, runs, meta, rootdir, operations)
    page = output / "living-docs" / "index.html"
    cucumber = output / "cucumber.json"
    messages = output / "messages.ndjson"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_page(document, steps), encoding="utf-8")
    cucumber.write_text(
        json.dumps(to_cucumber(document), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_messages(messages, document, rootdir)
    written = [page, cucumber, messages]
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
    features = parse_features(find_feature_files(options.features_dir(config)), rootdir)
    write_outputs(output, features, [], meta, rootdir, None)
    xmlpath = getattr(config.known_args_namespace, "xmlpath", None)
    if xmlpath:
        write_errors_only(Path(config.invocation_params.dir, xmlpath), [error])
