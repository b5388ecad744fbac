"""`make_engine`: what each kind of database URL gets (app/database.py).

How the engines then behave under the suite (SAVEPOINTs, Unicode lower(), write-ahead logging)
is in tests/api/test_engine_behaviour.py, tests/unit/test_harness.py and
tests/api/test_sqlite_locking.py.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from app.database import WRITE_LOCK_AT_BEGIN, get_db, make_engine, make_session_factory


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


@pytest.mark.parametrize(
    ("method", "writes"),
    [
        ("GET", False),
        ("HEAD", False),
        ("OPTIONS", False),
        ("POST", True),
        ("PUT", True),
        ("PATCH", True),
        ("DELETE", True),
    ],
)
def test_a_request_that_may_write_gets_a_session_that_locks_at_begin(
    method: str, writes: bool
) -> None:
    engine = make_engine("sqlite+pysqlite://")

    class _Request:
        class app:  # noqa: N801 - mimics request.app.state
            class state:  # noqa: N801
                session_factory = make_session_factory(engine)
                writing_session_factory = make_session_factory(engine, write_lock_at_begin=True)

    _Request.method = method  # type: ignore[attr-defined]
    dependency = get_db(_Request())  # type: ignore[arg-type]
    session = next(dependency)
    options = session.get_bind().get_execution_options()
    dependency.close()

    assert options.get(WRITE_LOCK_AT_BEGIN, False) is writes
