"""The features speak the product owner's language: no URL, HTTP verb or JSON in them.

The lint is pytest-bdd-livingdoc's (livingdoc/); it reads the features under
`bdd_features_base_dir`.
"""

import pytest
from pytest_bdd_livingdoc import feature_lint


def test_the_features_carry_no_urls_http_verbs_or_json(pytestconfig: pytest.Config) -> None:
    findings = feature_lint.findings_for(pytestconfig)
    if findings:
        pytest.fail(feature_lint.report(findings), pytrace=False)
