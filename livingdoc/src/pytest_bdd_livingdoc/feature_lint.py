"""Keeps transport detail out of the specification.

A feature states behaviour in the product owner's words; the URL, the HTTP verb, the status code
and the JSON that carry it belong to the step definitions. Any of them in a `.feature` file means
a step is describing plumbing, so the whole text is checked, comments, tables and doc strings
included.
A project calls `findings_for(config)` from a test of its own (the features are under pytest-bdd's
`bdd_features_base_dir`) and fails it with `report(findings)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_bdd_livingdoc import options

# Upper case and whole word only: "get" and "post" are ordinary English, GET and POST are not.
_HTTP_VERB = re.compile(r"\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b")
_URL = re.compile(
    r"\b[A-Za-z][A-Za-z0-9+.-]*://\S*"  # any scheme: http://, https://, ws://, postgresql://
    r"|\bwww\.\S+"
    # A path such as /items/ or /token, starting a word; "and/or", "1/2" and " / " stay prose.
    r"""|(?<![^\s"'(])/[A-Za-z_{<][\w{}<>./-]*"""
)
_JSON = re.compile(
    r"""\{\s*["']"""  # an object opening with a quoted key
    r"|\[\s*[\[{]"  # an array of objects or arrays
    r"""|\[\s*"[^"\n]*"\s*[,\]]"""  # an array of strings
    r"""|"[^"\n]*"\s*:\s*(?:["\[{\d-]|true\b|false\b|null\b)"""  # "key": value
    r'|(?:"{3}|`{3})\s*json\b'  # a doc string declared as JSON
)
# A status code as plumbing writes it: "(401)", "status 404", "HTTP 503", "a 422", "409 Conflict".
# A bare number stays prose ("180 cm", "5 minutes", "a price of 500").
_REASONS = (
    "OK|Created|Accepted|No Content|Moved|Found|Not Modified|Bad Request|Unauthorized|"
    "Forbidden|Not Found|Method Not Allowed|Conflict|Gone|Payload Too Large|"
    "Unsupported Media Type|Unprocessable|Too Many Requests|Internal Server Error|Bad Gateway|"
    "Service Unavailable|Gateway Timeout"
)
_STATUS_CODE = re.compile(
    r"\(\s*[1-5]\d\d\s*\)"
    r"|\b(?:HTTP|[Ss]tatus(?: code)?|[Cc]ode)\s*[1-5]\d\d\b"
    r"|\ban?\s+[1-5]\d\d\b(?!\s*(?:[a-z]|\.\d))"
    rf"|\b[1-5]\d\d\s+(?:{_REASONS})\b"
)
RULES = (
    ("URL", _URL),
    ("HTTP verb", _HTTP_VERB),
    ("status code", _STATUS_CODE),
    ("JSON", _JSON),
)


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    kind: str
    match: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind} {self.match!r} in: {self.text}"


def lint_text(path: Path, text: str) -> list[Finding]:
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in RULES:
            # The first hit of each kind is enough to point at the line.
            if match := pattern.search(line):
                findings.append(Finding(path, number, kind, match.group(0), line.strip()))
    return findings


def lint(features_dir: Path, root: Path | None = None) -> list[Finding]:
    """Every finding in every .feature under `features_dir`, paths shown from `root` (by default
    the parent of `features_dir`). Refuses a directory without a feature file, which would pass.
    """
    paths = sorted(features_dir.rglob("*.feature"))
    if not paths:
        raise pytest.UsageError(f"no .feature file under {features_dir}")
    shown_from = features_dir.parent if root is None else root
    findings = []
    for path in paths:
        shown = path.relative_to(shown_from) if path.is_relative_to(shown_from) else path
        findings.extend(lint_text(shown, path.read_text(encoding="utf-8")))
    return findings


def findings_for(config: pytest.Config) -> list[Finding]:
    """The findings in this pytest configuration's features (`bdd_features_base_dir`)."""
    return lint(options.features_dir(config), config.rootpath)


def report(findings: list[Finding]) -> str:
    listing = "\n".join(f"  {finding}" for finding in findings)
    return (
        f"{len(findings)} piece(s) of transport detail in the features; say what the user "
        f"does and sees, and leave URLs, HTTP verbs, status codes and JSON to the step "
        f"definitions:\n{listing}"
    )
