"""Heavyweight integration tests: real servers on loopback, uvicorn and parallel clients,
schemathesis, migrations on real databases, subprocesses.

Everything in this folder is marked `slow`, so `pytest -m "not slow"` is the fast inner loop
(unit, API and acceptance); `make test` runs all of it.
"""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


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
