"""Conformance with the Cucumber Compatibility Kit: for every sample pytest-bdd can express,
the sample's feature files run with the step definitions of cck_samples.py, and the messages
the plugin writes equal the kit's expected messages (`cucumber-compatibility-kit` on PyPI).

What the comparison normalises, and why:
- ids (renumbered in order of first appearance), timestamps and durations: they differ by
  run, not by meaning;
- `meta` (implementation, runtime, machine) and step definitions' `sourceReference` (the kit's
  are TypeScript files, ours Python);
- error texts (`message`, `exception` of a step result and of the finished run; the code of a
  snippet, down to the expression it proposes): each language words and formats its own.
  `test_failures_carry_their_exception` checks ours apart.
Paths are not normalised: the features are laid out as the kit's `samples/<name>/`.
"""

import copy
import difflib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from cck_samples import CONFTESTS, HEADER, LEFT_OUT, STEPS

kit = pytest.importorskip(
    "cucumber_compatibility_kit", reason="the test extra installs cucumber-compatibility-kit"
)

INI = """\
[pytest]
bdd_features_base_dir = samples
# Cucumber runs the steps before an undefined one; the plugin's guard stops the scenario
# before any step runs (the stricter choice), so the kit's samples run without it.
livingdoc_guards = false
markers =
    some-tag
    passing
    failing
    undefined
"""


def kit_folder(name: str) -> Path:
    return kit.CompatibilityKit().feature_code_for(name)


def run_sample(pytester: pytest.Pytester, name: str) -> list[dict[str, Any]]:
    folder = pytester.path / "samples" / name
    folder.mkdir(parents=True)
    for feature in sorted(kit_folder(name).glob("*.feature")):
        shutil.copy(feature, folder / feature.name)
    pytester.makefile(".ini", pytest=INI)
    pytester.makepyfile(
        **{f"test_{name.replace('-', '_')}": HEADER.format(name=name) + STEPS[name]}
    )
    if name in CONFTESTS:
        pytester.makeconftest(CONFTESTS[name])
    pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider", "--living-docs=out")
    return read_ndjson(pytester.path / "out" / "messages.ndjson")


def read_ndjson(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def normalise(envelopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids: dict[str, str] = {}

    def renumber(value: str) -> str:
        return ids.setdefault(value, f"id{len(ids)}")

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        result = {}
        for key in sorted(node):  # the same traversal whatever order the keys were written in
            value = node[key]
            if key in ("timestamp", "duration"):
                result[key] = {"seconds": 0, "nanos": 0}
            elif key == "id" or key.endswith("Id"):
                result[key] = renumber(value)
            elif key.endswith("Ids"):
                result[key] = [renumber(item) for item in value]
            else:
                result[key] = walk(value)
        return result

    normalised = []
    for envelope in envelopes:
        ((kind, body),) = envelope.items()
        if kind == "meta":
            continue
        body = copy.deepcopy(body)
        if kind == "stepDefinition":
            del body["sourceReference"]
        elif kind == "testStepFinished":
            body["testStepResult"].pop("message", None)
            body["testStepResult"].pop("exception", None)
        elif kind == "testRunFinished":
            body.pop("message", None)
            body.pop("exception", None)
        elif kind == "testCaseStarted":
            body.pop("workerId", None)
        elif kind == "suggestion":
            body["snippets"] = [
                {"expression": _QUOTED.search(s["code"]).group(1)} for s in body["snippets"]
            ]
        normalised.append({kind: walk(body)})
    return normalised


def as_lines(envelopes: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(envelope, sort_keys=True) for envelope in envelopes]


@pytest.mark.parametrize("name", sorted(STEPS))
def test_the_messages_match_the_compatibility_kit(pytester: pytest.Pytester, name: str) -> None:
    ours = normalise(run_sample(pytester, name))
    expected = normalise(read_ndjson(kit_folder(name) / f"{name}.ndjson"))
    if as_lines(ours) != as_lines(expected):
        diff = difflib.unified_diff(
            as_lines(expected), as_lines(ours), "the kit", "ours", lineterm="", n=0
        )
        pytest.fail("\n".join(diff), pytrace=False)


def test_every_sample_of_the_kit_is_covered_or_left_out_with_a_reason() -> None:
    samples = {folder.name for folder in kit_folder("minimal").parent.iterdir() if folder.is_dir()}
    assert samples == set(STEPS) | set(LEFT_OUT)
    assert len(STEPS) >= 15
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name in LEFT_OUT:
        assert f"`{name}`" in readme, f"README.md does not say why {name} is left out"


@pytest.mark.parametrize(
    ("name", "status", "raised", "text"),
    [
        ("stack-traces", "FAILED", "Exception", "BOOM"),
        ("pending-exception", "PENDING", "Pending", "TODO"),
        ("skipped-exception", "SKIPPED", "Skipped", "skipping"),
    ],
)
def test_failures_carry_their_exception(
    pytester: pytest.Pytester, name: str, status: str, raised: str, text: str
) -> None:
    """What the comparison leaves out: the error of a failed, pending or skipped step."""
    (result,) = [
        envelope["testStepFinished"]["testStepResult"]
        for envelope in run_sample(pytester, name)
        if "testStepFinished" in envelope
    ]
    assert result["status"] == status
    assert result["exception"]["type"] == raised
    assert result["exception"]["message"] == text
    assert f'("{text}")' in result["exception"]["stackTrace"]  # the line of the step definition
    assert text in result["message"]
