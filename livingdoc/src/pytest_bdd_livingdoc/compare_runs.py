"""Do two runs' outputs say the same? For a run split over shards and merged (merge_runs.py)
against the same tests run in one piece.

    python -m pytest_bdd_livingdoc.compare_runs reports/unsharded reports/merged

compares what each output says about the run, leaving out what differs between any two runs
by nature: ids (each stream numbers its own), timestamps, durations, which worker or shard ran a
scenario, and the order the scenarios ran in (messages list them as they started). Every other
fact must be equal: the same scenarios with the same steps, definitions, arguments, statuses and
messages, the same errors outside the scenarios, the same Cucumber JSON and JUnit cases, the same
page (its data and its text). Exit status 0 when they agree, 1 (listing what differs) when not.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from pytest_bdd_livingdoc.html import page_data
from pytest_bdd_livingdoc.record import RECORD_FILE

_IDS = {"id", "astNodeId", "astNodeIds", "pickleId", "pickleStepId", "testCaseId"}


def canonical(directory: Path) -> dict[str, Any]:
    """What the outputs in `directory` say, in a form two equal runs share exactly."""
    found: dict[str, Any] = {
        "messages": messages(directory / "messages.ndjson"),
        "cucumber.json": cucumber(directory / "cucumber.json"),
        "page": page(directory / "living-docs" / "index.html"),
        "record": record(directory / RECORD_FILE),
    }
    if (directory / "junit.xml").is_file():
        found["junit.xml"] = junit(directory / "junit.xml")
    return found


def messages(path: Path) -> dict[str, Any]:
    envelopes = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    pickles: dict[str, Any] = {}
    texts: dict[str, str] = {}
    definitions: dict[str, Any] = {}
    hooks: dict[str, str] = {}
    cases: dict[str, tuple[Any, list[dict[str, Any]]]] = {}
    started: dict[str, str] = {}
    results: dict[str, dict[str, Any]] = {}
    suggestions: dict[str, Any] = {}
    found: dict[str, Any] = {"documents": {}, "pickles": [], "executions": defaultdict(list)}
    for envelope in envelopes:
        (kind, body), *_ = envelope.items()
        if kind == "gherkinDocument":
            found["documents"][body["uri"]] = _without_ids(body)
        elif kind == "pickle":
            key = (body["uri"], body.get("location", {}).get("line"), body["name"])
            pickles[body["id"]] = list(key)
            texts.update({step["id"]: step["text"] for step in body["steps"]})
            found["pickles"].append(_without_ids(body))
        elif kind == "stepDefinition":
            definitions[body["id"]] = [body["pattern"], body["sourceReference"]]
        elif kind == "hook":
            hooks[body["id"]] = body.get("name", "")
        elif kind == "testCase":
            cases[body["id"]] = (pickles[body["pickleId"]], body["testSteps"])
        elif kind == "testCaseStarted":
            started[body["id"]] = body["testCaseId"]
        elif kind == "suggestion":
            suggestions[texts[body["pickleStepId"]]] = [s["code"] for s in body["snippets"]]
        elif kind == "testStepFinished":
            result = dict(body["testStepResult"])
            result.pop("duration", None)
            results[f"{body['testCaseStartedId']}/{body['testStepId']}"] = result
        elif kind == "testRunFinished":
            found["finished"] = {key: body.get(key) for key in ("success", "message", "exception")}
    for attempt, case_id in started.items():
        pickle, steps = cases[case_id]
        found["executions"][json.dumps(pickle)].append(
            [
                {
                    "step": hooks.get(step.get("hookId", ""))
                    or texts.get(step.get("pickleStepId", ""), ""),
                    "definitions": [definitions[d] for d in step.get("stepDefinitionIds", [])],
                    "arguments": step.get("stepMatchArgumentsLists", []),
                    "result": results.get(f"{attempt}/{step['id']}"),
                }
                for step in steps
            ]
        )
    found["executions"] = {k: sorted(v, key=json.dumps) for k, v in found["executions"].items()}
    found["definitions"] = sorted(definitions.values(), key=json.dumps)
    found["hooks"] = sorted(hooks.values())
    found["suggestions"] = suggestions
    found["pickles"].sort(key=json.dumps)
    return found


def cucumber(path: Path) -> Any:
    features = json.loads(path.read_text(encoding="utf-8"))
    for feature in features:
        for element in feature["elements"]:
            for step in element["steps"]:
                step["result"].pop("duration", None)
    return features


def page(path: Path) -> dict[str, Any]:
    html = path.read_text(encoding="utf-8")
    data = page_data(html)
    for case in data["cases"]:
        case.pop("duration", None)
        for step in case["steps"]:
            if len(step) > 3:
                step[3] = ""
    text = re.sub(r'<script type="application/gzip"[^>]*>[^<]*</script>', "", html)
    text = re.sub(r'<span class="dur">[^<]*</span>', "", text)
    text = re.sub(r"<time [^>]*>[^<]*</time>", "", text)
    text = re.sub(r" &middot; merged from \d+ shards", "", text)
    return {"data": data, "text": text.splitlines()}


def record(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    runs = {}
    for run in data["runs"]:
        for key in ("duration", "started", "finished", "worker"):
            run.pop(key, None)
        for step in run["steps"]:
            for key in ("duration", "started"):
                step.pop(key, None)
            if isinstance(step.get("definition"), int):
                step["definition"] = data["definitions"][step["definition"]]
        runs[run["nodeid"]] = run
    return {
        "runs": runs,
        "errors": data["errors"],
        "bound": data["bound"],
        "definitions": sorted(data["definitions"], key=json.dumps),
        "features_dir": data["features_dir"],
        "operations": data["operations"],
        "steps_section": data.get("steps_section"),
    }


def junit(path: Path) -> list[list[str]]:
    cases = []
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome = [child for child in case if child.tag in ("failure", "error", "skipped")]
        cases.append(
            [
                case.get("classname", ""),
                case.get("name", ""),
                *(f"{child.tag}: {child.get('message', '')}" for child in outcome),
            ]
        )
    return sorted(cases)


def _without_ids(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_ids(value) for key, value in node.items() if key not in _IDS}
    if isinstance(node, list):
        return [_without_ids(item) for item in node]
    return node


def differences(first: Path, second: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """One entry per output that differs, with the start of a diff."""
    a, b = canonical(first), canonical(second)
    found = []
    for name in sorted(set(a) | set(b)):
        if name in skip or a.get(name) == b.get(name):
            continue
        left = json.dumps(a.get(name), indent=1, sort_keys=True).splitlines()
        right = json.dumps(b.get(name), indent=1, sort_keys=True).splitlines()
        diff = list(difflib.unified_diff(left, right, str(first), str(second), lineterm="", n=2))
        found.append(f"{name} differs:\n" + "\n".join(diff[:40]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_bdd_livingdoc.compare_runs",
        description="Tell whether two runs' living-documentation outputs say the same.",
    )
    parser.add_argument("first", type=Path, help="a --living-docs directory (or merge_runs --out)")
    parser.add_argument("second", type=Path)
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["messages", "cucumber.json", "page", "record", "junit.xml"],
        help="an output not to compare (JUnit XML holds every test, not only the scenarios)",
    )
    arguments = parser.parse_args(argv)
    found = differences(arguments.first, arguments.second, tuple(arguments.skip))
    for difference in found:
        print(difference)
    if not found:
        print(f"{arguments.first} and {arguments.second} say the same")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
