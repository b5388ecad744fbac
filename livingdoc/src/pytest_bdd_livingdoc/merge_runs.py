"""Merge the living documentation of a run split over several machines (shards) into one.

    python -m pytest_bdd_livingdoc.merge_runs shards/1 shards/2 shards/3 shards/4 --out reports

Each argument is the directory one shard's `--living-docs=DIR` wrote (or a file in it, such as
its `messages.ndjson`): its record (`livingdoc-record.json`, record.py), its `messages.ndjson`
and, if the shard ran with `--junitxml=DIR/junit.xml`, its JUnit XML. Into `--out` it writes
what one run of every shard's tests would have: the page, `cucumber.json`, `messages.ndjson`
(one stream, its ids numbered afresh), the merged record and, when the shards have one,
`junit.xml`. Every output is rebuilt from the merged records and this checkout's `.feature`
files (the same ones the shards ran: their messages carry each file's text, and a difference
is an error).

Truth after merging:
- a case is `not run` only if no shard ran it: pytest-split deselects the other shards' tests,
  so every shard but one reports each case not run;
- a feature file is unbound only if no shard's tests bind it;
- errors outside the scenarios of any shard are kept (once each), and so are shards that
  disagree: a test that ran in two shards (the shards did not split one collection), shards of
  different commits or feature files, a shard without JUnit XML where the others have it.

Exit status: 0 when the merged run passed, 1 when a scenario failed or is undefined, a JUnit
case failed or an error outside the scenarios was recorded (the outputs are written all the
same), 2 when there is nothing to merge (a missing record).
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_bdd_livingdoc import errors
from pytest_bdd_livingdoc.features import find_feature_files, parse_features
from pytest_bdd_livingdoc.junit import ERROR_CLASS
from pytest_bdd_livingdoc.model import Meta, Run, RunError, Status, StepDefinition
from pytest_bdd_livingdoc.record import RECORD_FILE, Record, read

JUNIT_FILE = "junit.xml"
MESSAGES_FILE = "messages.ndjson"


@dataclass
class Shard:
    label: str  # its directory's name: what the merged messages name as the worker
    directory: Path
    record: Record


def shard_directory(argument: Path) -> Path:
    return argument if argument.is_dir() else argument.parent


def load(arguments: list[Path]) -> list[Shard]:
    shards = []
    for argument in arguments:
        directory = shard_directory(argument)
        path = directory / RECORD_FILE
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: no record of a run. Each shard must run with --living-docs={directory} "
                "(the plugin writes its record there beside messages.ndjson)."
            )
        shards.append(Shard(directory.name or str(directory), directory, read(path)))
    return shards


def merge_records(shards: list[Shard], rootdir: Path) -> Record:
    """One record, as one run of every shard's tests would have written it."""
    records = [shard.record for shard in shards]
    first = records[0]
    problems: list[RunError] = []
    runs: list[Run] = []
    seen: dict[str, str] = {}
    for shard in shards:
        for run in shard.record.runs:
            if run.nodeid in seen:
                problems.append(
                    RunError(
                        RunError.SHARDS,
                        f"{run.nodeid} ran in shard {seen[run.nodeid]} and in shard "
                        f"{shard.label}: the shards did not split one collection (run every "
                        "shard on the same commit, with the same test paths and the same "
                        "--randomly-seed).",
                        run.nodeid,
                    )
                )
                continue
            seen[run.nodeid] = shard.label
            run.worker = shard.label if run.worker is None else f"{shard.label}/{run.worker}"
            runs.append(run)
    commits = {record.meta.commit for record in records if record.meta.commit}
    if len(commits) > 1:
        problems.append(
            RunError(
                RunError.SHARDS,
                f"The shards ran different commits: {', '.join(sorted(commits))}.",
            )
        )
    directories = {record.features_dir for record in records}
    if len(directories) > 1:
        problems.append(
            RunError(
                RunError.SHARDS,
                f"The shards read their feature files from different directories: "
                f"{', '.join(sorted(directories))}.",
            )
        )
    problems += _changed_sources(shards, rootdir)
    problems += _missing_shards(shards)
    definitions: set[StepDefinition] = {d for r in records for d in r.meta.definitions}
    meta = Meta(
        title=first.meta.title,
        generated_at=max(record.meta.generated_at for record in records),
        commit=next(iter(sorted(commits)), None),
        wall_time=max(record.meta.wall_time for record in records),
        # Unbound feature files are worked out again, from what all the shards bind.
        errors=errors.unique(
            [e for r in records for e in r.meta.errors if e.kind != RunError.UNBOUND] + problems
        ),
        started=min(record.meta.started for record in records),
        definitions=sorted(definitions, key=lambda d: (d.uri, d.line, d.key)),
        shards=sum(max(1, record.meta.shards) for record in records),
    )
    return Record(
        meta=meta,
        features_dir=first.features_dir,
        bound=sorted({path for record in records for path in record.bound}),
        operations=next((r.operations for r in records if r.operations is not None), None),
        runs=runs,
        steps_section=next((r.steps_section for r in records if r.steps_section), None),
    )


def _missing_shards(shards: list[Shard]) -> list[RunError]:
    """Shards that pytest-split numbered k of N: each of the N must be there, once."""
    numbered = [shard.record.shard for shard in shards if shard.record.shard]
    if not numbered:
        return []
    splits = {n for _, n in numbered}
    groups = sorted(k for k, _ in numbered)
    expected = list(range(1, max(splits) + 1))
    if len(splits) == 1 and groups == expected and len(numbered) == len(shards):
        return []
    return [
        RunError(
            RunError.SHARDS,
            f"The run was split in {' and '.join(map(str, sorted(splits)))} shards; merged here: "
            f"{', '.join(f'{k} of {n}' for k, n in sorted(numbered))}"
            f"{' and shards not split by pytest-split' if len(numbered) < len(shards) else ''}. "
            "What a missing shard ran reads as not run.",
        )
    ]


def _changed_sources(shards: list[Shard], rootdir: Path) -> list[RunError]:
    """Feature files a shard ran in another version than this checkout's (from its messages)."""
    problems = []
    for shard in shards:
        messages = shard.directory / MESSAGES_FILE
        if not messages.is_file():
            continue
        with messages.open(encoding="utf-8") as stream:
            for line in stream:
                if not line.startswith('{"source"'):
                    continue
                source = json.loads(line)["source"]
                file = rootdir / source["uri"]
                if not file.is_file() or file.read_text(encoding="utf-8") != source["data"]:
                    problems.append(
                        RunError(
                            RunError.SHARDS,
                            f"Shard {shard.label} ran {source['uri']} in another version than "
                            "the one merged here: merge on the commit the shards ran.",
                            source["uri"],
                        )
                    )
    return problems


def merge_junit(shards: list[Shard], out: Path) -> tuple[Path | None, list[RunError]]:
    """The shards' JUnit XML as one suite, each test once (a collection error every shard
    reports is one case); the plugin's own error cases are left to be added afresh."""
    present = [shard for shard in shards if (shard.directory / JUNIT_FILE).is_file()]
    if not present:
        return None, []
    problems = [
        RunError(
            RunError.SHARDS,
            f"Shard {shard.label} has no {JUNIT_FILE} where the others have one: the merged "
            "JUnit XML lacks its tests.",
            str(shard.directory / JUNIT_FILE),
        )
        for shard in shards
        if shard not in present
    ]
    # Each test ran in one shard (the record's merge refuses overlaps), but one name may stand
    # for several tests (schemathesis names every operation's test after its function), so
    # the shards' cases are all kept. What every shard reports about collection (a module
    # skipped or failing to import: no class name) is kept as often as one shard has it.
    cases: dict[tuple[str, str], list[ET.Element]] = {}
    suites = []
    for shard in present:
        root = ET.parse(shard.directory / JUNIT_FILE).getroot()
        in_shard: defaultdict[tuple[str, str], list[ET.Element]] = defaultdict(list)
        for suite in [root] if root.tag == "testsuite" else root.iter("testsuite"):
            suites.append(suite)
            for case in suite.iter("testcase"):
                key = (case.get("classname", ""), case.get("name", ""))
                if key[0] != ERROR_CLASS:
                    in_shard[key].append(case)
        for key, found in in_shard.items():
            if key[0]:
                cases.setdefault(key, []).extend(found)
            elif len(found) > len(cases.get(key, ())):
                cases[key] = found
    kept = [case for found in cases.values() for case in found]
    root = ET.Element("testsuites", name="pytest tests")
    merged = ET.SubElement(root, "testsuite", name="pytest")
    merged.extend(kept)
    counts: defaultdict[str, int] = defaultdict(int)
    for case in kept:
        for child in case:
            counts[child.tag] += 1
    merged.set("errors", str(counts["error"]))
    merged.set("failures", str(counts["failure"]))
    merged.set("skipped", str(counts["skipped"]))
    merged.set("tests", str(len(kept)))
    merged.set("time", f"{sum(float(s.get('time', 0)) for s in suites):.3f}")
    stamps = sorted(s.get("timestamp", "") for s in suites if s.get("timestamp"))
    if stamps:
        merged.set("timestamp", stamps[0])
    hosts = sorted({s.get("hostname", "") for s in suites if s.get("hostname")})
    if hosts:
        merged.set("hostname", ",".join(hosts))
    out.mkdir(parents=True, exist_ok=True)
    path = out / JUNIT_FILE
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path, problems


def junit_failed(path: Path | None) -> bool:
    if path is None:
        return False
    root = ET.parse(path).getroot()
    return any(
        case.find("failure") is not None or case.find("error") is not None
        for case in root.iter("testcase")
    )


def merge(arguments: list[Path], out: Path, rootdir: Path) -> tuple[Record, list[Path], bool]:
    """Write the merged outputs; returns the merged record, what was written, and whether the
    merged run passed."""
    from pytest_bdd_livingdoc.writer import quiet_collector, write_outputs

    with quiet_collector():
        return _merge(arguments, out, rootdir, write_outputs)


def _merge(
    arguments: list[Path], out: Path, rootdir: Path, write_outputs: Any
) -> tuple[Record, list[Path], bool]:
    shards = load(arguments)
    record = merge_records(shards, rootdir)
    junit, problems = merge_junit(shards, out)
    record.meta.errors = errors.unique(record.meta.errors + problems)
    features = parse_features(find_feature_files(rootdir / record.features_dir), rootdir)
    if not any(error.kind == RunError.COLLECTION for error in record.meta.errors):
        record.meta.errors += errors.unbound(features, set(record.bound))
    written = write_outputs(out, features, record, rootdir, junit=junit)
    bad = {Status.FAILED, Status.UNDEFINED}
    failed = (
        bool(record.meta.errors)
        or any(run.status in bad for run in record.runs)
        or junit_failed(junit)
    )
    return record, written, not failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_bdd_livingdoc.merge_runs",
        description="Merge the living documentation of several shards of one run.",
    )
    parser.add_argument(
        "shards",
        nargs="+",
        type=Path,
        help="each shard's --living-docs directory (or a file in it)",
    )
    parser.add_argument("--out", type=Path, required=True, help="where to write the merged outputs")
    parser.add_argument(
        "--rootdir",
        type=Path,
        default=Path.cwd(),
        help="the checkout the shards ran (its feature files): the current directory by default",
    )
    arguments = parser.parse_args(argv)
    try:
        record, written, passed = merge(arguments.shards, arguments.out, arguments.rootdir)
    except FileNotFoundError as missing:
        print(f"merge_runs: {missing}", file=sys.stderr)
        return 2
    statuses: defaultdict[str, int] = defaultdict(int)
    for run in record.runs:
        statuses[run.status.value] += 1
    counts = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    print(f"living docs: merged {record.meta.shards} shards: {len(record.runs)} tests ({counts})")
    for error in record.meta.errors:
        where = f" ({error.location})" if error.location else ""
        print(f"living docs: {error.kind}{where}", file=sys.stderr)
    for path in written:
        print(f"living docs: {path}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
