"""Render the documentation as one self-contained HTML page (Jinja2, inline CSS and JS)."""

from __future__ import annotations

import re
from collections import Counter
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from pytest_bdd_livingdoc import step_catalogue
from pytest_bdd_livingdoc.model import STATUS_ORDER, Case, Document, Rule, Status, anchor_for

_PARAMETER = re.compile(r"&lt;(.+?)&gt;")
_SYMBOL = {
    Status.PASSED: "\u2714",  # check mark
    Status.FAILED: "\u2718",  # ballot x
    Status.UNDEFINED: "?",
    Status.PENDING: "\u23f8",  # pause
    Status.SKIPPED: "\u2013",  # en dash
    Status.NOT_RUN: "\u25cb",  # white circle
}


def render_page(document: Document, steps: step_catalogue.StepCatalogue | None = None) -> str:
    environment = Environment(
        loader=PackageLoader("pytest_bdd_livingdoc", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    environment.filters["duration"] = format_duration
    environment.filters["outline_text"] = outline_text
    environment.filters["symbol"] = _SYMBOL.__getitem__
    environment.filters["zip"] = lambda first, second: zip(first, second, strict=True)
    environment.filters["anchor"] = anchor_for
    environment.tests["rule"] = lambda node: isinstance(node, Rule)
    assets = files("pytest_bdd_livingdoc") / "templates"
    return environment.get_template("page.html.j2").render(
        doc=document,
        statuses=STATUS_ORDER,
        Status=Status,
        case_totals=document.case_totals(),
        step_totals=document.step_totals(),
        tags=tag_counts(document),
        status_bar=status_bar,
        style=Markup((assets / "style.css").read_text(encoding="utf-8")),
        script=Markup((assets / "script.js").read_text(encoding="utf-8")),
        # The step catalogue section (templates/steps.html.j2), when there is one.
        steps=steps,
        step_heading=step_catalogue.heading,
        step_uses=step_catalogue.uses,
    )


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:.0f} min {rest:.0f} s"


def outline_text(text: str) -> Markup:
    """Escape a step of an outline and mark its <parameters>."""
    return Markup(_PARAMETER.sub(r'<span class="param">&lt;\1&gt;</span>', str(escape(text))))


def tag_counts(document: Document) -> list[tuple[str, int]]:
    counts = Counter(tag for case in document.cases() for tag in case.tag_names)
    return sorted(counts.items())


def status_bar(cases: list[Case]) -> list[tuple[Status, int, float]]:
    """(status, count, percent of width) for each status present, most alarming first."""
    counts = Counter(case.status for case in cases)
    total = sum(counts.values())
    return [(s, counts[s], 100 * counts[s] / total) for s in STATUS_ORDER if counts[s]]
