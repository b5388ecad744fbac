"""Render the documentation as one self-contained HTML page (inline CSS and JS).

The page stays small and quick however big the run (10,000 scenarios: tools/benchmarks/
big_document.py). Jinja2 renders what is read first and is small whatever the size: errors
outside the scenarios, the verdict, totals, filters, the table of contents and the API coverage
table. The features, rules, scenarios and their steps travel as data: one JSON document,
gzip-compressed and base64-encoded in a `<script type="application/gzip">` element, which the
page's script (templates/script.js) decompresses with the browser's own DecompressionStream and
renders: scenario headings at once, each scenario's steps when it is opened. Search and filters
work on that data (a search text per scenario, tags and status per case), not on the DOM.

`page_data(html)` reads the data back out of a page, for tests and tools.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections import Counter
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pytest_bdd_livingdoc import step_catalogue
from pytest_bdd_livingdoc.model import (
    STATUS_ORDER,
    Background,
    Case,
    CaseStep,
    Document,
    Examples,
    Feature,
    Rule,
    Scenario,
    Status,
    Tag,
    anchor_for,
)

DATA_ELEMENT = "livingdoc-data"
_DATA = re.compile(rf'<script type="application/gzip" id="{DATA_ELEMENT}">([^<]*)</script>')
_SYMBOL = {
    Status.PASSED: "\u2714",  # check mark
    Status.FAILED: "\u2718",  # ballot x
    Status.UNDEFINED: "?",
    Status.PENDING: "\u23f8",  # pause
    Status.SKIPPED: "\u2013",  # en dash
    Status.NOT_RUN: "\u25cb",  # white circle
}
_ENVIRONMENT: Environment | None = None


def render_page(document: Document, steps_section: str | None = None) -> str:
    """The page; `steps_section` is the step catalogue's section (`render_steps`), if any."""
    index = {id(case): number for number, case in enumerate(document.cases())}
    return (
        _environment()
        .get_template("page.html.j2")
        .render(
            doc=document,
            statuses=STATUS_ORDER,
            case_totals=document.case_totals(),
            step_totals=document.step_totals(),
            tags=tag_counts(document),
            status_bar=status_bar,
            case_numbers=lambda cases: ",".join(str(index[id(case)]) for case in cases),
            data=Markup(pack(_data(document))),
            data_element=DATA_ELEMENT,
            style=Markup(_asset("style.css")),
            script=Markup(_asset("script.js")),
            steps_section=None if steps_section is None else Markup(steps_section),
        )
    )


def render_steps(steps: step_catalogue.StepCatalogue) -> str:
    """The step catalogue's section of the page (templates/steps.html.j2). Rendered where the
    step definitions are known (the run) and kept in the record, so merged shards show it."""
    return (
        _environment()
        .get_template("steps.html.j2")
        .render(steps=steps, step_heading=step_catalogue.heading, step_uses=step_catalogue.uses)
    )


def _environment() -> Environment:
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = Environment(
            loader=PackageLoader("pytest_bdd_livingdoc", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=StrictUndefined,
        )
        _ENVIRONMENT.filters["duration"] = format_duration
        _ENVIRONMENT.filters["anchor"] = anchor_for
    return _ENVIRONMENT


def _asset(name: str) -> str:
    from importlib.resources import files

    return (files("pytest_bdd_livingdoc") / "templates" / name).read_text(encoding="utf-8")


def pack(data: dict[str, Any]) -> str:
    """JSON, gzip (what DecompressionStream reads), base64: text safe inside a script element.
    Level 3: at 10,000 scenarios (11 MB of JSON), 0.05 s for 1.1 MB; level 6 takes three times
    as long for 0.85 MB."""
    compressor = zlib.compressobj(3, zlib.DEFLATED, 31)  # wbits 31: a gzip member
    packed = compressor.compress(orjson.dumps(data)) + compressor.flush()
    return base64.b64encode(packed).decode("ascii")


def page_data(html: str) -> dict[str, Any]:
    """The data a page carries (features, scenarios, cases), as `_data` wrote it."""
    found = _DATA.search(html)
    if found is None:
        raise ValueError("no living-documentation data in this page")
    data: dict[str, Any] = orjson.loads(zlib.decompress(base64.b64decode(found.group(1)), 31))
    return data


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:.0f} min {rest:.0f} s"


def tag_counts(document: Document) -> list[tuple[str, int]]:
    counts = Counter(tag for case in document.cases() for tag in case.tag_names)
    return sorted(counts.items())


def status_bar(cases: list[Case]) -> list[tuple[Status, int, float]]:
    """(status, count, percent of width) for each status present, most alarming first."""
    counts = Counter(case.status for case in cases)
    total = sum(counts.values())
    return [(s, counts[s], 100 * counts[s] / total) for s in STATUS_ORDER if counts[s]]


# --- the data the script renders -------------------------------------------------------------
# Short keys: they are repeated for every case. Optional values are left out when empty.


def _data(document: Document) -> dict[str, Any]:
    unbound = document.unbound_paths()
    cases: list[dict[str, Any]] = []
    return {
        "features": [
            _feature(feature, feature.path in unbound, cases) for feature in document.features
        ],
        "cases": cases,
        "symbols": {status.value: symbol for status, symbol in _SYMBOL.items()},
    }


def _feature(feature: Feature, unbound: bool, cases: list[dict[str, Any]]) -> dict[str, Any]:
    children: list[dict[str, Any]] = []
    for child in feature.children:
        if isinstance(child, Rule):
            children.append(_rule(child, cases))
        else:
            children.append(_scenario(child, cases))
    found = list(feature.cases())
    data: dict[str, Any] = {
        "path": feature.path,
        "anchor": anchor_for(feature.path),
        "keyword": feature.keyword,
        "name": feature.name,
        "tags": _tags(feature.tags),
        "cases": len(found),
        "bar": [[s.slug, count, round(width, 3)] for s, count, width in status_bar(found)],
        "children": children,
    }
    _optional(data, "description", feature.description)
    _optional(data, "background", _background(feature.background))
    _optional(data, "unbound", unbound)
    return data


def _rule(rule: Rule, cases: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": True,
        "keyword": rule.keyword,
        "name": rule.name,
        "tags": _tags(rule.tags),
        "scenarios": [_scenario(scenario, cases) for scenario in rule.scenarios],
    }
    _optional(data, "description", rule.description)
    _optional(data, "background", _background(rule.background))
    return data


def _scenario(scenario: Scenario, cases: list[dict[str, Any]]) -> dict[str, Any]:
    status = scenario.status
    data: dict[str, Any] = {
        "anchor": scenario.anchor,
        "keyword": scenario.keyword,
        "name": scenario.name,
        "status": status.value,
        "tags": _tags(scenario.tags),
        "filter": scenario.tag_names,
    }
    _optional(data, "description", scenario.description)
    if scenario.is_outline:
        data["steps"] = [[step.keyword, step.text] for step in scenario.steps]
        data["examples"] = [_examples(examples, scenario, cases) for examples in scenario.examples]
    else:
        data["cases"] = [_case(case, cases) for case in scenario.cases]
    return data


def _examples(
    examples: Examples, scenario: Scenario, cases: list[dict[str, Any]]
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "keyword": examples.keyword,
        "name": examples.name,
        "tags": _tags(examples.tags),
        "header": examples.header,
        "cases": [_case(case, cases) for case in scenario.cases if case.examples is examples],
    }
    _optional(data, "description", examples.description)
    return data


def _case(case: Case, cases: list[dict[str, Any]]) -> int:
    """Add the case to `cases`; its number there (the order of `Document.cases()`)."""
    run = case.run
    data: dict[str, Any] = {
        "anchor": case.anchor,
        "name": case.name,
        "status": case.status.value,
        "tags": case.tag_names,
        "steps": [
            _step(step, result)
            for step, result in zip(case.steps, case.step_results(), strict=True)
        ],
    }
    if case.row is not None:
        data["values"] = case.row.values
    if run is not None:
        data["nodeid"] = run.nodeid
        data["duration"] = round(run.duration, 4)
        _optional(data, "message", run.message)
        _optional(data, "phase", run.phase)
        _optional(
            data, "api", [f"{c.method} {c.path} \u2192 {c.status_code}" for c in run.api_calls]
        )
    cases.append(data)
    return len(cases) - 1


def _step(step: CaseStep, result: Any) -> list[Any]:
    """[keyword, text, status, seconds, message, definition's place, from the background,
    doc string, data table], trailing empties left out. The script formats durations as
    `format_duration` does."""
    values: list[Any] = [
        step.keyword,
        step.text,
        result.status.value,
        round(result.duration, 4),
        result.message or "",
        result.match or "",
        1 if step.from_background else 0,
        step.docstring,
        step.table,
    ]
    while values and (values[-1] is None or values[-1] == "" or values[-1] == 0):
        values.pop()
    return values


def _background(background: Background | None) -> dict[str, Any] | None:
    if background is None:
        return None
    return {
        "keyword": background.keyword,
        "name": background.name,
        "steps": [[step.keyword, step.text] for step in background.steps],
    }


def _tags(tags: list[Tag]) -> list[str]:
    return [tag.name for tag in tags]


def _optional(data: dict[str, Any], key: str, value: Any) -> None:
    if value:
        data[key] = value
