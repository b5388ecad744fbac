"""A synthetic run of the acceptance suite at any size: renamed copies of the project's features,
with the plugin's record of a real run copied onto each.

`build(directory, scenarios, template)` writes `directory/features/<copy>/<name>.feature` (copy
`bb` of every feature the template ran, its actors renamed: "Alice" -> "Alicebb", "alice" ->
"alicebb", the feature's name marked with the copy) until the copies hold at least `scenarios`
cases (outline rows counted one by one), and returns the record of a run of them: each case's
run is the real run of its original (`template`, the plugin's `livingdoc-record.json` of a real
run) with the same renaming applied to its node id, step arguments and messages. So the big run
has the real step texts, tags, outlines, step definitions, durations and API calls. A real suite
that grew also has some scenarios that fail, are skipped or pending: every FAIL_EVERY-th case
fails at its last step, every SKIP_EVERY-th is skipped and every PENDING_EVERY-th is pending.

    python tools/benchmarks/synthetic_run.py DIR --scenarios 10000 [--template RECORD]

writes the copies and DIR/livingdoc-record.json, the input `merge_runs` or `writer.write_outputs`
turns into the living documentation. Without `--template`, one real run of the acceptance suite
(`pytest step_defs --living-docs`) makes the template first. Used by big_document.py.
"""

from __future__ import annotations

import argparse
import copy
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pytest_bdd_livingdoc import record as records
from pytest_bdd_livingdoc.model import Run, Status, StepResult

ROOT = Path(__file__).resolve().parents[2]
FAIL_EVERY = 97
SKIP_EVERY = 89
PENDING_EVERY = 211

# The person who acts in a step: the capitalised word right after its keyword.
STEP_SUBJECT = re.compile(r"^\s*(?:Given|When|Then|And|But)\s+([A-Z][a-z]+)\b", re.M)
NOT_ACTORS = frozenset(
    {"A", "An", "The", "These", "This", "That", "There", "Nobody", "Someone", "It", "No", "Every"}
)


@dataclass(frozen=True)
class Copies:
    actors: list[str]  # every actor of the project's features, longest first

    def rename(self, text: str, tag: str) -> str:
        """`text` with every actor renamed for copy `tag`, in the case it was written in."""
        for actor in self.actors:

            def renamed(match: re.Match[str], actor: str = actor) -> str:
                word = match.group(0)
                new = actor + tag
                if word.isupper():
                    return new.upper()
                return new.lower() if word.islower() else new

            text = re.sub(rf"\b{actor}\b", renamed, text, flags=re.IGNORECASE)
        return text


def copy_tag(copy_number: int) -> str:
    """Lower-case letters (`bb`, `bc`, ...): a renamed actor still reads as a name to the
    steps' patterns ([A-Z][a-z]+)."""
    letters = ""
    number = copy_number + 27  # two letters at least
    while number:
        number, digit = divmod(number, 26)
        letters = chr(ord("a") + digit) + letters
    return letters


def actors_of(texts: list[str]) -> list[str]:
    found = {word for text in texts for word in STEP_SUBJECT.findall(text)} - NOT_ACTORS
    return sorted(found, key=lambda actor: (-len(actor), actor))


def real_template(project: Path = ROOT) -> records.Record:
    """The record of one real run of the acceptance suite (a few seconds)."""
    with tempfile.TemporaryDirectory() as output:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "step_defs",
                "-q",
                "-p",
                "no:randomly",
                "-p",
                "no:cacheprovider",
                f"--living-docs={output}",
            ],
            cwd=project,
            capture_output=True,
            check=False,
        )
        return records.read(Path(output, records.RECORD_FILE))


def build(
    directory: Path, scenarios: int, template: records.Record, project: Path = ROOT
) -> records.Record:
    runs_of: dict[str, list[Run]] = {}
    for run in template.runs:
        runs_of.setdefault(run.feature, []).append(run)
    # The feature files the template's run ran (all of them, for a run of the whole suite).
    features_dir = project / template.features_dir
    originals = {
        path.relative_to(project).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(features_dir.rglob("*.feature"))
        if path.relative_to(project).as_posix() in runs_of
    }
    copies = Copies(actors_of(list(originals.values())))
    runs: list[Run] = []
    bound: list[str] = []
    number = 0
    while len(runs) < scenarios:
        tag = copy_tag(number)
        for original, text in originals.items():
            relative = Path(original).relative_to(template.features_dir)
            path = Path(template.features_dir, tag, relative).as_posix()
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            renamed = copies.rename(text, tag)
            # The feature's name says which copy it is: the page lists each apart.
            renamed = re.sub(r"^(\s*Feature:.*)$", rf"\1 ({tag})", renamed, count=1, flags=re.M)
            target.write_text(renamed, encoding="utf-8")
            bound.append(path)
            for run in runs_of.get(original, []):
                runs.append(_copied(run, path, tag, copies, len(runs)))
        number += 1
    meta = copy.deepcopy(template.meta)
    meta.errors = []
    return records.Record(meta, template.features_dir, bound, template.operations, runs)


def _copied(run: Run, path: str, tag: str, copies: Copies, index: int) -> Run:
    new = Run.from_record(run.to_record())
    new.feature = path
    module, _, test = new.nodeid.partition("::")
    new.nodeid = f"{Path(module).parent / tag / Path(module).name}::{copies.rename(test, tag)}"
    for step in new.steps:
        step.message = None if step.message is None else copies.rename(step.message, tag)
        for argument in step.arguments or []:
            group = argument.get("group", {})
            if "value" in group:
                group["value"] = copies.rename(group["value"], tag)
    number = index + 1
    if number % FAIL_EVERY == 0 and new.steps:
        _fail(new)
    elif number % SKIP_EVERY == 0:
        new.status = Status.SKIPPED
        new.message = "Skipped: the catalog sandbox is down for maintenance"
        new.steps = [StepResult(Status.SKIPPED, definition=s.definition) for s in new.steps]
    elif number % PENDING_EVERY == 0 and new.steps:
        new.status = Status.PENDING
        new.message = "Pending: the refund rules are being rewritten"
        last = new.steps[-1]
        last.status, last.message = Status.PENDING, "Pending: the refund rules are being rewritten"
    return new


def _fail(run: Run) -> None:
    run.status = Status.FAILED
    last = run.steps[-1]
    last.status = Status.FAILED
    last.message = (
        "AssertionError: expected 201 Created, got 409 Conflict\n"
        '  body: {"detail": "An item with this name already exists"}\n'
        "  at step_defs/support/checks.py:41"
    )
    last.exception = {
        "type": "AssertionError",
        "message": "expected 201 Created, got 409 Conflict",
        "stackTrace": "Traceback (most recent call last):\n  ...\nAssertionError: expected 201",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--template", type=Path, help="a real run's livingdoc-record.json")
    arguments = parser.parse_args()
    template = records.read(arguments.template) if arguments.template else real_template()
    built = build(arguments.directory, arguments.scenarios, template)
    records.write(arguments.directory / records.RECORD_FILE, built)
    print(f"{len(built.runs)} scenarios in {len(built.bound)} feature files: {arguments.directory}")


if __name__ == "__main__":
    main()
