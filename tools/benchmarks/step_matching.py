"""What one step lookup costs: every step definition asked whether it matches one feature step.

pytest-bdd asks each visible definition `parser.is_matching(text)` when it looks a step up (once
per test module and step with the livingdoc lookup cache); the step catalogue check asks every
definition about every feature step. This script times exactly that question over the project's
own features and definitions (read as the catalogue reads them), and the argument parsing a
matched step then needs:

    .venv/bin/python tools/benchmarks/step_matching.py [--rounds 7]

It runs inside a pytest session (pytest-bdd reads its configuration while the step modules are
imported), collecting nothing.

Prints the number of definitions and distinct feature steps, then the median over the rounds of
the cost of one lookup (all definitions against one step) and of one parse_arguments call.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

if TYPE_CHECKING:
    from pytest_bdd_livingdoc.catalogue import Catalogue


class Probe:
    def __init__(self, rounds: int) -> None:
        self.rounds = rounds

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Imported here: pytest must see pytest-bdd first, to rewrite its asserts.
        from pytest_bdd_livingdoc import catalogue

        measure(catalogue.catalogue_for(session.config), self.rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    quiet = ["-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--co", "--rootdir", str(ROOT)]
    pytest.main([*quiet, str(ROOT / "conftest.py")], plugins=[Probe(args.rounds)])


def measure(found: Catalogue, rounds: int) -> None:
    texts = sorted({(step.type, step.text) for step in found.steps})
    definitions = found.definitions
    matched = [
        (definition, text)
        for kind, text in texts
        for definition in definitions
        if definition.type in (None, kind) and definition.parser.is_matching(text)
    ]
    lookups: list[float] = []
    parses: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _kind, text in texts:
            for definition in definitions:
                definition.parser.is_matching(text)
        lookups.append((time.perf_counter() - started) / len(texts))
        started = time.perf_counter()
        for definition, text in matched:
            definition.parser.parse_arguments(text)
        parses.append((time.perf_counter() - started) / len(matched))
    print(f"{len(definitions)} step definitions, {len(texts)} distinct feature steps")
    lookup = statistics.median(lookups)
    print(f"one lookup (every definition against one step): {lookup * 1e6:.1f} us")
    print(f"one is_matching call: {statistics.median(lookups) / len(definitions) * 1e6:.2f} us")
    print(f"one parse_arguments of a matched step: {statistics.median(parses) * 1e6:.1f} us")


if __name__ == "__main__":
    main()
