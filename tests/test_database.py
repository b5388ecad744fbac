"""`make_engine`: what each kind of database URL gets (app/database.py).

How the engines then behave under the suite (SAVEPOINTs, Unicode lower(), write-ahead logging)
is in test_engine_behaviour.py, test_harness.py and test_sqlite_locking.py.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from app.database import make_engine


@pytest.mark.parametrize(
    "url",
    ["sqlite+pysqlite://", "sqlite+pysqlite:///", "sqlite+pysqlite:///:memory:"],
    ids=["no path", "empty path", ":memory:"],
)
def test_an_in_memory_database_is_one_database_for_every_thread(url: str) -> None:
    # Sync routes run in a thread pool: each would otherwise open its own empty database.
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE names (name TEXT)"))
        connection.execute(text("INSERT INTO names VALUES ('shared')"))

    def names_seen_from_another_thread() -> list[str]:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT name FROM names")).scalars())

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(names_seen_from_another_thread).result() == ["shared"]
    engine.dispose()


def test_options_reach_a_sqlite_engine(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'app.db'}", pool_size=3)
    assert engine.pool.size() == 3  # type: ignore[attr-defined]
    engine.dispose()


def test_options_reach_an_engine_for_another_database() -> None:
    # Building the engine connects to nothing.
    engine = make_engine("postgresql+psycopg://app:secret@127.0.0.1:1/items", pool_size=3)
    assert engine.pool.size() == 3  # type: ignore[attr-defined]
    engine.dispose()
