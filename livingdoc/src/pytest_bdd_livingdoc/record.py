"""The plugin's own record of a run (`DIR/livingdoc-record.json`): all that the outputs are built
from besides the `.feature` files, so that runs split over several machines (shards) merge into
the outputs one run would have written (merge_runs.py).

Cucumber Messages cannot stand in for it. They do not say which feature files the run's tests
bind (without that, a feature file no test binds cannot be told from scenarios that ran in another
shard), which requests each scenario made (the API coverage table), the pytest node ids (the
JUnit case names), nor the kind and place of each error outside the scenarios; and each shard
numbers its messages' ids from one, so their streams cannot simply be concatenated either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_bdd_livingdoc.model import Meta, Operation, Run, RunError, StepDefinition

RECORD_FILE = "livingdoc-record.json"
FORMAT = 1


@dataclass
class Record:
    meta: Meta
    features_dir: str  # where the run read its feature files, relative to the rootdir
    bound: list[str]  # feature files (relative paths) some collected test binds
    operations: list[Operation] | None  # the API coverage table's rows; None: no table
    runs: list[Run] = field(default_factory=list)
    # [k, N] when the run was the k-th of N shards (pytest-split's --group and --splits): the
    # merge checks that every shard of the N is there, once.
    shard: list[int] | None = None
    # The page's step catalogue section (html.render_steps), rendered where the step definitions
    # are known: a merge of shards imports none of the project's code.
    steps_section: str | None = None

    def to_json(self) -> dict[str, Any]:
        meta = self.meta
        return {
            "format": FORMAT,
            "title": meta.title,
            "generated_at": meta.generated_at,
            "commit": meta.commit,
            "wall_time": meta.wall_time,
            "started": meta.started,
            "shards": meta.shards,
            "features_dir": self.features_dir,
            "shard": self.shard,
            "steps_section": self.steps_section,
            "bound": sorted(self.bound),
            "errors": [error.to_record() for error in meta.errors],
            "definitions": [definition.to_record() for definition in meta.definitions],
            "operations": None
            if self.operations is None
            else [[o.method, o.path, o.summary, list(o.documented_codes)] for o in self.operations],
            "runs": _interned([run.to_record() for run in self.runs], meta.definitions),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported living-docs record format: {data.get('format')!r}")
        meta = Meta(
            title=data["title"],
            generated_at=data["generated_at"],
            commit=data["commit"],
            wall_time=float(data["wall_time"]),
            errors=[RunError.from_record(error) for error in data["errors"]],
            started=float(data["started"]),
            definitions=[StepDefinition.from_record(d) for d in data["definitions"]],
            shards=int(data["shards"]),
        )
        operations = data["operations"]
        return cls(
            meta=meta,
            features_dir=data["features_dir"],
            bound=list(data["bound"]),
            operations=None
            if operations is None
            else [Operation(m, p, s, tuple(codes)) for m, p, s, codes in operations],
            runs=[Run.from_record(run) for run in _restored(data["runs"], meta.definitions)],
            shard=data.get("shard"),
            steps_section=data.get("steps_section"),
        )


def _interned(
    runs: list[dict[str, Any]], definitions: list[StepDefinition]
) -> list[dict[str, Any]]:
    """Each step names its definition by its place in `definitions`, not by its key (the
    pattern and all: a third of a big record)."""
    numbers = {definition.key: number for number, definition in enumerate(definitions)}
    for run in runs:
        for step in run["steps"]:
            if step.get("definition") in numbers:
                step["definition"] = numbers[step["definition"]]
    return runs


def _restored(
    runs: list[dict[str, Any]], definitions: list[StepDefinition]
) -> list[dict[str, Any]]:
    for run in runs:
        for step in run["steps"]:
            if isinstance(step.get("definition"), int):
                step["definition"] = definitions[step["definition"]].key
    return runs


# orjson is imported where a record is written or read: the plugin imports this module in every
# pytest process, and most runs write no living documentation.


def write(path: Path, record: Record) -> None:
    import orjson

    path.write_bytes(orjson.dumps(record.to_json()))


def read(path: Path) -> Record:
    import orjson

    return Record.from_json(orjson.loads(path.read_bytes()))
