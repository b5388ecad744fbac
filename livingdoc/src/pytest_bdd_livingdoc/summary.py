"""A short Markdown summary of a run, from its Cucumber Messages: for a CI job summary.

    python -m pytest_bdd_livingdoc.summary reports/messages.ndjson >> "$GITHUB_STEP_SUMMARY"

It counts the scenarios by status (a scenario's status is its worst step's, as Cucumber has
it), lists each failed, undefined or pending scenario with its feature file and line, and the
errors outside the scenarios the run recorded. It reads only the messages, so it works on any
Cucumber implementation's output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Cucumber's order, worst first: the worst step decides a scenario's status.
ORDER = ("FAILED", "AMBIGUOUS", "UNDEFINED", "PENDING", "UNKNOWN", "SKIPPED", "PASSED")
LISTED = ("FAILED", "AMBIGUOUS", "UNDEFINED", "PENDING")


@dataclass(frozen=True)
class Scenario:
    name: str
    feature: str
    uri: str
    line: int
    status: str


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def scenarios(envelopes: list[dict[str, Any]]) -> list[Scenario]:
    features: dict[str, str] = {}
    pickles: dict[str, dict[str, Any]] = {}
    cases: dict[str, str] = {}  # test case id -> pickle id
    started: dict[str, str] = {}  # test case started id -> test case id
    statuses: dict[str, list[str]] = {}
    for envelope in envelopes:
        if "gherkinDocument" in envelope:
            document = envelope["gherkinDocument"]
            features[document["uri"]] = document.get("feature", {}).get("name", "")
        elif "pickle" in envelope:
            pickles[envelope["pickle"]["id"]] = envelope["pickle"]
        elif "testCase" in envelope:
            cases[envelope["testCase"]["id"]] = envelope["testCase"]["pickleId"]
        elif "testCaseStarted" in envelope:
            started[envelope["testCaseStarted"]["id"]] = envelope["testCaseStarted"]["testCaseId"]
            statuses[envelope["testCaseStarted"]["id"]] = []
        elif "testStepFinished" in envelope:
            finished = envelope["testStepFinished"]
            statuses[finished["testCaseStartedId"]].append(finished["testStepResult"]["status"])
    found = []
    for attempt, steps in statuses.items():
        pickle = pickles[cases[started[attempt]]]
        status = min(steps or ["PASSED"], key=ORDER.index)
        found.append(
            Scenario(
                pickle["name"],
                features.get(pickle["uri"], ""),
                pickle["uri"],
                pickle.get("location", {}).get("line", 0),
                status,
            )
        )
    return found


def render(envelopes: list[dict[str, Any]], title: str = "Living documentation") -> str:
    found = scenarios(envelopes)
    counts = Counter(scenario.status for scenario in found)
    finished = next((e["testRunFinished"] for e in envelopes if "testRunFinished" in e), None)
    verdict = (
        "did not finish"
        if finished is None
        else ("passed" if finished["success"] else "did not pass")
    )
    lines = [f"## {title}: the run {verdict}", ""]
    lines.append("| status | scenarios |")
    lines.append("| --- | ---: |")
    for status in ORDER:
        if counts[status]:
            lines.append(f"| {status.lower()} | {counts[status]} |")
    lines.append(f"| **total** | **{len(found)}** |")
    if finished is not None and finished.get("message"):
        lines += ["", "### Errors outside the scenarios", "", "```", finished["message"], "```"]
    listed = sorted(
        (s for s in found if s.status in LISTED),
        key=lambda s: (LISTED.index(s.status), s.uri, s.line),
    )
    if listed:
        lines += ["", "### Scenarios to look at", ""]
        lines += [
            f"- **{s.status.lower()}**: {s.feature}: {s.name} (`{s.uri}:{s.line}`)" for s in listed
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_bdd_livingdoc.summary",
        description="Summarise a Cucumber Messages file (NDJSON) as Markdown on stdout.",
    )
    parser.add_argument("messages", type=Path, help="the messages.ndjson the run wrote")
    parser.add_argument("--title", default="Living documentation")
    arguments = parser.parse_args(argv)
    if not arguments.messages.is_file():
        print(f"no such file: {arguments.messages}", file=sys.stderr)
        return 2
    sys.stdout.write(render(read(arguments.messages), arguments.title))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
