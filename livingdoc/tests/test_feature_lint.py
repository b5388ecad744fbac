"""The feature text lint finds URLs, HTTP verbs, status codes and JSON, and lets business
language pass.

test_guards.py runs it whole, through `findings_for(config)`, over a sample project.
"""

from pathlib import Path

import pytest

from pytest_bdd_livingdoc import feature_lint


@pytest.mark.parametrize(
    ("line", "kind", "match"),
    [
        ("Given I open https://shop.example/items", "URL", "https://shop.example/items"),
        ("Given the catalog at http://catalog.test is down", "URL", "http://catalog.test"),
        ("# see www.example.org for the rules", "URL", "www.example.org"),
        ('When Alice sends her password to "/token"', "URL", "/token"),
        ("When Alice opens /items/<id>", "URL", "/items/<id>"),
        ("When Alice sends GET for her items", "HTTP verb", "GET"),
        ("When I send POST with the lamp", "HTTP verb", "POST"),
        ("When Olivia issues a DELETE on the lamp", "HTTP verb", "DELETE"),
        ('Then the body is {"name": "Lamp"}', "JSON", '{"'),
        ('Then the items are [{"name": "Lamp"}]', "JSON", "[{"),
        ('Then the error location is ["body", "price"]', "JSON", '["body",'),
        ('Then she sees "price": 0', "JSON", '"price": 0'),
        ('    """json', "JSON", '"""json'),
        ("Then Alice is asked to sign in (401)", "status code", "(401)"),
        ("Then the item is refused ( 422 )", "status code", "( 422 )"),
        ("Then the answer has status 404", "status code", "status 404"),
        ("Then Alice gets HTTP 503", "status code", "HTTP 503"),
        ("Then the catalog answers with a 502", "status code", "a 502"),
        ("Then Bob gets a 403, and nothing changes", "status code", "a 403"),
        ("| fails | 409 Conflict |", "status code", "409 Conflict"),
        ("Then she sees Not Found: 404 Not Found", "status code", "404 Not Found"),
    ],
)
def test_transport_detail_is_found(line: str, kind: str, match: str) -> None:
    findings = feature_lint.lint_text(Path("features/x.feature"), f"Feature: X\n{line}\n")
    assert [(f.line, f.kind, f.match) for f in findings] == [(2, kind, match)]
    assert str(findings[0]).startswith(f"features/x.feature:2: {kind} {match!r} in: ")


@pytest.mark.parametrize(
    "line",
    [
        'When Alice offers a "Desk lamp" for 0.00',
        "Then the item is refused because the price must be positive",
        "Given Alice offers a 500 euro sofa and a 180 cm shelf",
        "Then the sign-in is refused, to be tried again in 5 minutes",
        "| 1000000.00 | 404 | 12.50 |",
        "When Alice offers a lamp for 200.00 (a bargain)",
        "And Alice can get the lamp, post a letter and put it away",
        "And the lamp costs 1/2 of the chair, and/or less per item / month",
        "Given Alice, a member, whose email is alice@example.com",
        "| name | price | outcome |",
        "When Olivia deletes Bob's <item> at 10:30",
        "@smoke @items",
    ],
)
def test_business_language_passes(line: str) -> None:
    assert feature_lint.lint_text(Path("x.feature"), line) == []


def test_the_report_names_every_finding() -> None:
    findings = feature_lint.lint_text(Path("f.feature"), 'When I send POST {"a": 1}\n')
    text = feature_lint.report(findings)
    assert text.startswith("2 piece(s) of transport detail")
    assert "f.feature:1: HTTP verb 'POST'" in text
    assert "f.feature:1: JSON '{\"'" in text


def test_a_directory_without_features_is_refused(tmp_path: Path) -> None:
    # Otherwise a misplaced features directory would make the lint pass.
    with pytest.raises(pytest.UsageError, match=r"no \.feature file under"):
        feature_lint.lint(tmp_path)
