"""Reading a generated page the way its script does: from the data it carries (html.page_data).

The page draws features, scenarios and steps from that data in the browser (test_browser.py
checks the drawing); these helpers let the other tests read the same facts without one.
"""

import re
from typing import Any

from pytest_bdd_livingdoc.html import page_data


def cases(html: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = page_data(html)["cases"]
    return cases


def scenarios(html: str) -> list[dict[str, Any]]:
    """Every scenario of every feature, rules included, in page order."""
    found = []
    for feature in page_data(html)["features"]:
        for child in feature["children"]:
            found += child["scenarios"] if child.get("rule") else [child]
    return found


def statuses(html: str) -> dict[str, str]:
    """Case name -> status: plain scenarios and outline rows (by their filled-in name)."""
    return {case["name"]: case["status"] for case in cases(html)}


def steps(html: str, anchor: str) -> list[tuple[str, str]]:
    """(status, text) of each step of the case whose anchor ends in `-{anchor}`."""
    (case,) = [case for case in cases(html) if case["anchor"].endswith(f"-{anchor}")]
    return [(step[2], step[1]) for step in case["steps"]]


def coverage_cases(cell: str, html: str) -> list[str]:
    """The names of the cases a coverage cell (its HTML) lists."""
    numbers = re.search(r'data-cases="([\d,]+)"', cell)
    if numbers is None:
        return []
    every = cases(html)
    return [every[int(number)]["name"] for number in numbers.group(1).split(",")]


def text(html: str) -> str:
    """Every string the page shows or carries: what a reader could find on it."""
    strings: list[str] = [html]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(page_data(html))
    return "\n".join(strings)
