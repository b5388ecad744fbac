"""docs/reliability.md: every test it names as the proof of a promise exists.

A promise whose test was renamed or deleted would otherwise go on naming a proof that no longer
runs.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
REFERENCE = re.compile(r"`((?:tests|step_defs)/[\w/]+\.py)::(test_\w+)`")


def missing_references(text: str, root: Path) -> list[str]:
    """The `path::test_name` references in `text` with no such test function under `root`."""
    missing = []
    for path, name in REFERENCE.findall(text):
        source = root / path
        defined = source.is_file() and re.search(
            rf"^(async )?def {name}\(", source.read_text(encoding="utf-8"), re.MULTILINE
        )
        if not defined:
            missing.append(f"{path}::{name}")
    return missing


def test_every_test_the_reliability_doc_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")

    assert len(REFERENCE.findall(text)) >= 30, "the promises name their tests as path::name"
    assert missing_references(text, ROOT) == []


def test_a_reference_to_a_test_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("def test_there() -> None:\n    pass\n")
    text = (
        "`tests/test_x.py::test_there`, `tests/test_x.py::test_gone`,"
        " `tests/test_missing.py::test_there`"
    )

    assert missing_references(text, tmp_path) == [
        "tests/test_x.py::test_gone",
        "tests/test_missing.py::test_there",
    ]
