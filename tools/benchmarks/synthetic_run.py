"""Synthetic suites and runs of any size: renamed copies of the project's features.

The one generator of the benchmarks. Copy `bb` of a feature file is written to
`features/bb/<name>.feature`: its actors renamed ("Alice" -> "Alicebb", "alice" -> "alicebb"),
its items too ("Desk lamp" -> "Desk lamp bb"), its feature's name marked with the copy. Copies
are made, feature by feature, until they hold at least the number of cases asked for (outline
rows counted one by one). From them:

- `build_suite(tree, scenarios)` makes a suite that runs: beside each copy, a test module
  `step_defs/synthetic/test_<name>_bb.py` that binds it to the real step definitions (those of
  `step_defs/test_<name>.py`, and step_defs/conftest.py's through the folder), so every copied
  scenario drives the app as its original does. `tree` is a copy of a checkout; `pytest step_defs`
  there runs the real suite and the copies (the copies alone would leave the real feature files
  unbound, an error on the living documentation). growth.py times such suites.
- `build(directory, scenarios, template)` makes a run, not a suite: it returns the record of a run
  of the copies, each case's run being the real run of its original (`template`, the plugin's
  `livingdoc-record.json` of a real run) with the same renaming applied to its node id, step
  arguments and messages. So a big run has the real step texts, tags, outlines, step definitions,
  durations and API calls. A real suite that grew also has some scenarios that fail, are skipped
  or pending: every FAIL_EVERY-th case fails at its last step, every SKIP_EVERY-th is skipped and
  every PENDING_EVERY-th is pending. big_document.py writes its living documentation.

    python tools/benchmarks/synthetic_run.py DIR --scenarios 10000 [--template RECORD]
    python tools/benchmarks/synthetic_run.py TREE --scenarios 200 --suite

The first writes the copies and DIR/livingdoc-record.json, the input `merge_runs` or
`writer.write_outputs` turns into the living documentation (without `--template`, one real run of
the acceptance suite, `pytest step_defs --living-docs`, makes the template first). The second
writes a runnable suite into TREE, a copy of a checkout (`pytest step_defs` there runs it).
"""

from __future__ import annotations

import argparse
import copy
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from pytest_bdd_livingdoc import record as records
from pytest_bdd_livingdoc.model import Run, Status, StepResult

ROOT = Path(__file__).resolve().parents[2]
FAIL_EVERY = 97
SKIP_EVERY = 89
PENDING_EVERY = 211
# Where build_suite puts its test modules, under the tree's step_defs/ (its conftest applies).
SUITE_PACKAGE = "synthetic"

# The person who acts in a step: the capitalised word right after its keyword.
STEP_SUBJECT = re.compile(r"^\s*(?:Given|When|Then|And|But)\s+([A-Z][a-z]+)\b", re.M)
NOT_ACTORS = frozenset(
    {"A", "An", "The", "These", "This", "That", "There", "Nobody", "Someone", "It", "No", "Every"}
)
# An item, as the features name one, capitalised: in double quotes after an article or "to" (a
# renaming), or in the `name` column of a table of items.
QUOTED_ITEM = re.compile(r'\b(?:a|an|the|to)\s+"([A-Z][^"<>]*)"')
TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")


@dataclass(frozen=True)
class Copies:
    actors: list[str]  # every actor of the project's features, longest first
    items: list[str] = field(default_factory=list)  # every item they name, longest first

    def rename(self, text: str, tag: str) -> str:
        """`text` with every actor and item renamed for copy `tag`, actors in the case they
        were written in."""
        if self.items:
            # One pass over all the items (first: an item may be named after an actor).
            names = "|".join(re.escape(item) for item in self.items)
            text = re.sub(rf"(?<![\w-])(?:{names})(?![\w-])", rf"\g<0> {tag}", text)
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


def items_of(texts: list[str]) -> list[str]:
    found: set[str] = set()
    for text in texts:
        found.update(QUOTED_ITEM.findall(text))
        column: int | None = None
        for line in text.splitlines():
            row = TABLE_ROW.match(line)
            if row is None:
                column = None
                continue
            cells = [cell.strip() for cell in row.group(1).split("|")]
            if column is None:
                column = cells.index("name") if "name" in cells else -1
            elif column >= 0 and cells[column][:1].isupper():  # not a shape: "only spaces"
                found.add(cells[column])
    return sorted(found, key=lambda item: (-len(item), item))


def cases_in(text: str) -> int:
    """How many test cases a feature file holds: its scenarios, each outline row one."""
    document = Parser().parse(text)
    document["uri"] = "copy.feature"
    return len(Compiler().compile(document))


@dataclass(frozen=True)
class FeatureCopy:
    tag: str
    original: str  # the original's path, relative to the tree: features/item_creation.feature
    path: str  # the copy's, relative to the tree: features/bb/item_creation.feature


def write_copies(
    directory: Path,
    originals: dict[str, str],
    features_dir: str,
    scenarios: int,
    cases: dict[str, int],
) -> Iterator[FeatureCopy]:
    """Writes renamed copies of `originals` (path: text) into `directory`, feature by feature,
    until they hold `scenarios` cases (`cases`: how many each original holds); yields each."""
    texts = list(originals.values())
    copies = Copies(actors_of(texts), items_of(texts))
    written = number = 0
    while written < scenarios:
        tag = copy_tag(number)
        for original, text in originals.items():
            if written >= scenarios:
                break
            relative = Path(original).relative_to(features_dir)
            path = Path(features_dir, tag, relative).as_posix()
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            renamed = copies.rename(text, tag)
            # The feature's name says which copy it is: the page lists each apart.
            renamed = re.sub(r"^(\s*Feature:.*)$", rf"\1 ({tag})", renamed, count=1, flags=re.M)
            target.write_text(renamed, encoding="utf-8")
            written += cases[original]
            yield FeatureCopy(tag, original, path)
        number += 1


def project_features(tree: Path, features_dir: str = "features") -> dict[str, str]:
    """The tree's feature files, path: text."""
    return {
        path.relative_to(tree).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((tree / features_dir).rglob("*.feature"))
    }


# A synthetic suite's test module: the original module's step definitions and fixtures (never
# its tests), and the copy bound to them.
SUITE_MODULE = """\
\"\"\"Copy {tag} of {original} (synthetic_run.py), on the step definitions
{steps}.\"\"\"

from pytest_bdd import scenarios
{import_steps}
scenarios("{feature}")
"""
IMPORT_STEPS = """
import {module} as _steps

globals().update(
    {{name: value for name, value in vars(_steps).items() if not name.startswith(("test", "_"))}}
)
"""


def build_suite(tree: Path, scenarios: int, features_dir: str = "features") -> int:
    """Writes a synthetic suite of `scenarios` cases into `tree` (a copy of a checkout): the
    copies under features_dir/, their test modules under step_defs/synthetic/. Returns how many
    cases it holds (the last feature copied may take it a little past `scenarios`)."""
    originals = project_features(tree, features_dir)
    cases = {path: cases_in(text) for path, text in originals.items()}
    package = tree / "step_defs" / SUITE_PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    total = 0
    for made in write_copies(tree, originals, features_dir, scenarios, cases):
        name = Path(made.original).stem
        own = tree / "step_defs" / f"test_{name}.py"
        module = f"step_defs.test_{name}"
        (package / f"test_{name}_{made.tag}.py").write_text(
            SUITE_MODULE.format(
                tag=made.tag,
                original=made.original,
                steps=f"of step_defs/test_{name}.py" if own.is_file() else "shared",
                import_steps=IMPORT_STEPS.format(module=module) if own.is_file() else "",
                feature=Path(made.path).relative_to(features_dir).as_posix(),
            ),
            encoding="utf-8",
        )
        total += cases[made.original]
    return total


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
    originals = {
        path: text
        for path, text in project_features(project, template.features_dir).items()
        if path in runs_of
    }
    texts = list(originals.values())
    copies = Copies(actors_of(texts), items_of(texts))
    cases = {path: len(runs_of[path]) for path in originals}
    runs: list[Run] = []
    bound: list[str] = []
    for made in write_copies(directory, originals, template.features_dir, scenarios, cases):
        bound.append(made.path)
        for run in runs_of[made.original]:
            runs.append(_copied(run, made.path, made.tag, copies, len(runs)))
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
    parser.add_argument(
        "--suite", action="store_true", help="write a runnable suite into DIRECTORY, a checkout"
    )
    arguments = parser.parse_args()
    if arguments.suite:
        total = build_suite(arguments.directory, arguments.scenarios)
        print(f"{total} scenarios: pytest step_defs/{SUITE_PACKAGE} in {arguments.directory}")
        return
    template = records.read(arguments.template) if arguments.template else real_template()
    built = build(arguments.directory, arguments.scenarios, template)
    records.write(arguments.directory / records.RECORD_FILE, built)
    print(f"{len(built.runs)} scenarios in {len(built.bound)} feature files: {arguments.directory}")


if __name__ == "__main__":
    main()
