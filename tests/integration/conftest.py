"""Heavyweight integration tests: real servers on loopback, uvicorn and parallel clients,
schemathesis, migrations on real databases, subprocesses.

Everything in this folder is marked `slow`, so `pytest -m "not slow"` is the fast inner loop
(unit, API and acceptance); `make test` runs all of it.
"""

import os
from pathlib import Path

import pytest

from tests.support.project_runs import EarlyRuns

HERE = Path(__file__).parent
EARLY_RUNS = pytest.StashKey[EarlyRuns]()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # Deselecting still imports a module and builds its items: schemathesis alone spends ~3 s
    # generating cases at collection. The inner loop skips this folder's modules unread.
    if config.getoption("markexpr", "").strip() == "not slow" and collection_path != HERE:
        return True
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A hook in a folder's conftest still sees every item of the run: mark only this folder's.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session: pytest.Session) -> None:
    # The project runs this folder's selected tests will ask for (each module's EARLY_RUNS),
    # started now, beside the rest of the suite (tests/support/project_runs.py). Not in an xdist
    # worker, which does not know which tests it will get, nor when nothing is to run.
    if os.environ.get("PYTEST_XDIST_WORKER") or session.config.option.collectonly:
        return
    modules = {
        item.module
        for item in session.items
        if isinstance(item, pytest.Function) and item.path.is_relative_to(HERE)
    }
    for module in sorted(modules, key=lambda module: module.__name__):
        for name, run in getattr(module, "EARLY_RUNS", {}).items():
            early_runs_of(session.config).start(name, run)


def early_runs_of(config: pytest.Config) -> EarlyRuns:
    if EARLY_RUNS not in config.stash:
        config.stash[EARLY_RUNS] = EarlyRuns()
        config.add_cleanup(config.stash[EARLY_RUNS].close)
    return config.stash[EARLY_RUNS]


@pytest.fixture(scope="session")
def early_runs(pytestconfig: pytest.Config) -> EarlyRuns:
    """The project runs started when collection ended; a run nobody started starts when asked."""
    return early_runs_of(pytestconfig)
