"""What broke outside any scenario, as `RunError`s: the page shows them first, every output
records them, and the run fails.

- a collection error: a test module, or a step module it imports, raised at import; a tag that
  `--strict-markers` refuses; a feature file pytest-bdd cannot parse;
- a conftest that raised while pytest started (before any plugin was configured);
- an internal error: a plugin or a hook that raised while the session ran;
- a feature file that no test module binds: its scenarios would never run, and say so nowhere.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import pytest

from pytest_bdd_livingdoc.model import Feature, RunError
from pytest_bdd_livingdoc.outcome import truncate

COLLECTION = RunError.COLLECTION
START_UP = RunError.START_UP
INTERNAL = RunError.INTERNAL
UNBOUND = RunError.UNBOUND

# pytest's long representation names each frame "path.py:12: in <function>" and ends with
# "E   SomeError: message".
_FRAME = re.compile(r"^(\S+?\.py):(\d+): ", re.M)
_RAISED = re.compile(r"^E\s+([A-Za-z_][\w.]*)(?::|$)", re.M)


def from_collect_report(report: pytest.CollectReport) -> RunError:
    text = report.longreprtext.strip()
    # The deepest frame of the project's own files, not of an installed package.
    frames = [
        frame
        for frame in _FRAME.findall(text)
        if not any(part in frame[0] for part in ("site-packages", ".venv", "/lib/python"))
    ]
    raised = _RAISED.findall(text)
    location = f"{frames[-1][0]}:{frames[-1][1]}" if frames else report.nodeid or None
    return RunError(
        COLLECTION,
        truncate(text) or "collection failed",
        location,
        raised[-1] if raised else None,
    )


def from_exception(kind: str, exception: BaseException, rootdir: Path) -> RunError:
    text = "".join(traceback.format_exception(type(exception), exception, exception.__traceback__))
    return RunError(
        kind,
        truncate(text.strip()) or kind,
        deepest_location(exception, rootdir),
        type(exception).__qualname__,
    )


def deepest_location(exception: BaseException, rootdir: Path) -> str | None:
    """The deepest frame in the project (not in a virtualenv): where a developer starts."""
    for frame in reversed(traceback.extract_tb(exception.__traceback__)):
        path = Path(frame.filename)
        if (
            path.is_relative_to(rootdir)
            and ".venv" not in path.parts
            and "site-packages" not in path.parts
        ):
            return f"{path.relative_to(rootdir).as_posix()}:{frame.lineno}"
    return None


def unbound(features: list[Feature], bound: set[str]) -> list[RunError]:
    """Feature files with scenarios, none of which any collected test binds."""
    return [
        RunError(
            UNBOUND,
            f"No test module binds any scenario of {feature.path}: its "
            f"{sum(1 for _ in feature.cases())} scenario(s) never run. Bind them with "
            f'`scenarios("{feature.path}")` (or @scenario) in a test module.',
            f"{feature.path}:{feature.line}",
        )
        for feature in features
        if feature.path not in bound and any(True for _ in feature.cases())
    ]


def unique(errors: list[RunError]) -> list[RunError]:
    """Each worker of an xdist run reports the same collection error once."""
    return list(dict.fromkeys(errors))
