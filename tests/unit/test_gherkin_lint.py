"""The features pass the Gherkin lint: gplint (npm, .gplintrc) and the rules it cannot apply
inside a `Rule:`.

gplint is the maintained fork of gherkin-lint, which crashes on `Rule:`; `make install` installs
it from package.json. Some of its rules still crash on rules (keywords-in-logical-order,
table-align, max-scenarios-per-file, no-restricted-patterns) or read only the feature's own
children (indentation, scenario-size of a rule's Background, no-files-without-scenarios): those
are left out of .gplintrc, and the size of every Background, a rule's included, is checked here.
Status codes, URLs, HTTP verbs and JSON are the feature text lint's (test_specification.py).
"""

import json
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from gherkin.parser import Parser

ROOT = Path(__file__).resolve().parents[2]
GPLINT = ROOT / "node_modules" / ".bin" / "gplint"
CONFIG = ROOT / ".gplintrc"
MAX_BACKGROUND_STEPS = 5


def gplint(*paths: Path) -> list[str]:
    """Every finding gplint reports on `paths`, as "file:line: message (rule)"."""
    if not GPLINT.exists():
        pytest.fail(f"{GPLINT} is missing: `make install` installs gplint (npm ci)", pytrace=False)
    run = subprocess.run(
        [str(GPLINT), "-c", str(CONFIG), "-f", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    try:
        reports = json.loads(run.stdout)
    except json.JSONDecodeError:
        # A crash (a rule that cannot read the file) prints a stack trace, not a report.
        pytest.fail(f"gplint did not report (exit {run.returncode}):\n{run.stderr}", pytrace=False)
    findings = [
        f"{Path(report['filePath']).name}:{error['line']}: {error['message']} ({error['rule']})"
        for report in reports
        for error in report["errors"]
    ]
    assert (run.returncode == 0) == (not findings), run.stderr
    return findings


def _backgrounds(children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for child in children:
        if "background" in child:
            found.append(child["background"])
        elif "rule" in child:
            found.extend(_backgrounds(child["rule"]["children"]))
    return found


def oversized_backgrounds(path: Path) -> list[str]:
    feature = Parser().parse(path.read_text(encoding="utf-8")).get("feature") or {}
    return [
        f"{path.name}:{background['location']['line']}: a Background of "
        f"{len(background['steps'])} steps (at most {MAX_BACKGROUND_STEPS})"
        for background in _backgrounds(feature.get("children", []))
        if len(background["steps"]) > MAX_BACKGROUND_STEPS
    ]


def feature_files() -> list[Path]:
    files = sorted((ROOT / "features").glob("*.feature"))
    assert files, "no feature file found: the lint would pass on nothing"
    return files


def test_gplint_finds_nothing_in_the_features() -> None:
    findings = gplint(*feature_files())
    assert not findings, "\n".join(findings)


def test_no_background_has_more_than_five_steps() -> None:
    findings = [finding for path in feature_files() for finding in oversized_backgrounds(path)]
    assert not findings, "\n".join(findings)


BAD_FEATURE = """\
    @unheard_of
    Feature: Half done
      Rule: Everything at once

        Background:
          Given Alice is a member
          And Bob is another member
          And Olivia is an admin
          And Alice already offers a "Desk lamp" for 24.99
          And Bob already offers a "Floor lamp" for 89.00
          And the catalog knows item "SKU-1042"

        Scenario: Bob looks around
          When Bob browses the items
          Then the page shows 2 of 2 items
    """


def test_the_lint_fails_on_a_feature_that_breaks_its_rules(tmp_path: Path) -> None:
    path = tmp_path / "half_done.feature"
    # A trailing space, which no editor of this file would keep.
    text = textwrap.dedent(BAD_FEATURE).replace("looks around", "looks around ")
    path.write_text(text, encoding="utf-8")

    assert gplint(path) == [
        "half_done.feature:1: Not allowed tag @unheard_of on Feature (allowed-tags)",
        "half_done.feature:13: Trailing spaces are not allowed (no-trailing-spaces)",
    ]
    assert oversized_backgrounds(path) == [
        "half_done.feature:5: a Background of 6 steps (at most 5)"
    ]
