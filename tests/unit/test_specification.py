"""This project's specification holds together: every step defined and used, no plumbing.

The checks are pytest-bdd-livingdoc's (livingdoc/): the features are under
`bdd_features_base_dir`, the definitions in the packages `livingdoc_step_packages` names.
"""

import inspect
from pathlib import Path

import pytest
from pytest_bdd_livingdoc import catalogue, feature_lint


def test_every_definition_is_used_and_every_feature_step_is_defined(
    pytestconfig: pytest.Config,
) -> None:
    report = catalogue.drift_report_for(pytestconfig)
    if report:
        pytest.fail(report, pytrace=False)


def test_the_catalogue_reads_the_real_features_and_definitions(
    pytestconfig: pytest.Config,
) -> None:
    # Without this, a misconfigured features directory or step package list would make the
    # check above vacuous for whatever it left out.
    root = pytestconfig.rootpath
    found = catalogue.catalogue_for(pytestconfig)
    written = {path.relative_to(root) for path in (root / "features").rglob("*.feature")}
    assert {step.path for step in found.steps} == written
    defined_in = {
        Path(inspect.unwrap(d.func).__code__.co_filename).relative_to(root).parts[0]
        for d in found.definitions
    }
    assert defined_in == {"step_defs"}


def test_the_features_carry_no_urls_http_verbs_or_json(pytestconfig: pytest.Config) -> None:
    findings = feature_lint.findings_for(pytestconfig)
    if findings:
        pytest.fail(feature_lint.report(findings), pytrace=False)
