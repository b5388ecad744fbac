"""Merge a run's records with the feature tree: every case appears, ran or not."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pytest_bdd_livingdoc.api import build_coverage
from pytest_bdd_livingdoc.features import parse_feature
from pytest_bdd_livingdoc.model import (
    STATUS_ORDER,
    Case,
    CaseKey,
    Document,
    Feature,
    Meta,
    Operation,
    Run,
)


def merge(
    features: list[Feature],
    runs: Iterable[Run],
    meta: Meta,
    rootdir: Path,
    operations: list[Operation] | None = None,
) -> Document:
    features = list(features)
    runs = list(runs)
    _add_features_outside_the_tree(features, runs, rootdir)
    cases: dict[CaseKey, Case] = {case.key: case for f in features for case in f.cases()}
    for run in runs:
        meta.nodeids[run.nodeid] = run.key
        case = cases.get(run.key)
        if case is None:
            meta.orphans.append(run)
        elif case.run is None:
            case.run = run
        else:
            case.run = _combine(case.run, run)
    document = Document(features=sorted(features, key=lambda f: f.path), meta=meta)
    if operations is not None:
        document.coverage = build_coverage(operations, document.cases())
    return document


def _add_features_outside_the_tree(features: list[Feature], runs: list[Run], rootdir: Path) -> None:
    """A scenario bound from a file outside the features directory still belongs in the page."""
    known = {feature.path for feature in features}
    for path in sorted({run.feature for run in runs} - known):
        file = rootdir / path
        if file.is_file():
            features.append(parse_feature(file, rootdir))


def _combine(first: Run, second: Run) -> Run:
    """A case bound by two test modules ran twice; the page shows the more alarming run."""
    chosen, other = sorted(
        (first, second), key=lambda run: (STATUS_ORDER.index(run.status), run.nodeid)
    )
    chosen.api_calls = list(dict.fromkeys(chosen.api_calls + other.api_calls))
    return chosen
