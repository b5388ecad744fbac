"""Write the documentation files of one run."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_bdd_livingdoc.cucumber import to_cucumber
from pytest_bdd_livingdoc.html import render_page
from pytest_bdd_livingdoc.merge import merge
from pytest_bdd_livingdoc.model import Feature, Meta, Operation, Run
from pytest_bdd_livingdoc.step_catalogue import StepCatalogue


def write_outputs(
    output: Path,
    features: list[Feature],
    runs: list[Run],
    meta: Meta,
    rootdir: Path,
    operations: list[Operation] | None,
    steps: StepCatalogue | None = None,
) -> list[Path]:
    document = merge(features, runs, meta, rootdir, operations)
    page = output / "living-docs" / "index.html"
    cucumber = output / "cucumber.json"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_page(document, steps), encoding="utf-8")
    cucumber.write_text(
        json.dumps(to_cucumber(document), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return [page, cucumber]
