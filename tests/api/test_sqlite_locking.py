"""A SQLite file under concurrent requests: a long reader does not hold up a writer.

Met while load testing (tools/loadtests/): in SQLite's default journal a transaction that is still
reading (a login hashing a password, a request awaiting the catalog) blocks every commit until
it ends, and after the busy timeout the writer fails with "database is locked" (a 503).
app/database.py turns write-ahead logging on for SQLite files. Then: two requests that each read
and then write, the second of which SQLite refuses at once; requests that write now take the
write lock when they begin.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.database import WRITE_LOCK_AT_BEGIN, make_engine
from app.main import create_app
from tests.harness.schema import build_database


def test_a_write_commits_while_another_transaction_is_still_reading(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'locking.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE names (name TEXT PRIMARY KEY)"))

    with engine.connect() as reader, engine.connect() as writer:
        reader.execute(text("SELECT count(*) FROM names")).scalar_one()  # and keeps reading
        # A short wait, so that a blocked commit fails at once instead of after 5 s.
        writer.exec_driver_sql("PRAGMA busy_timeout = 100")
        writer.execute(text("INSERT INTO names VALUES ('written')"))
        writer.commit()
        # The reader's transaction still sees the database as it was when it began.
        assert reader.execute(text("SELECT count(*) FROM names")).scalar_one() == 0
        reader.rollback()
        assert reader.execute(text("SELECT count(*) FROM names")).scalar_one() == 1
    engine.dispose()


def _names_table(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE names (name TEXT PRIMARY KEY)"))


def _read_then_write(connection: Connection, name: str) -> None:
    connection.execute(text("SELECT count(*) FROM names")).scalar_one()
    connection.execute(text("INSERT INTO names VALUES (:name)"), {"name": name})


def test_a_transaction_that_read_cannot_write_after_another_committed(tmp_path: Path) -> None:
    # Why writing requests take the write lock at BEGIN: without it SQLite refuses at once.
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'locking.db'}")
    _names_table(engine)

    with engine.connect() as first, engine.connect() as second:
        first.execute(text("SELECT count(*) FROM names")).scalar_one()
        _read_then_write(second, "second")
        second.commit()
        with pytest.raises(OperationalError, match="database is locked"):
            first.execute(text("INSERT INTO names VALUES ('first')"))
    engine.dispose()


def test_writers_that_take_the_lock_at_begin_queue_instead_of_failing(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'locking.db'}")
    _names_table(engine)
    writer = engine.execution_options(**{WRITE_LOCK_AT_BEGIN: True})

    def write(name: str) -> None:
        with writer.connect() as connection:
            _read_then_write(connection, name)
            connection.commit()

    with writer.connect() as first:
        _read_then_write(first, "first")
        with ThreadPoolExecutor(max_workers=1) as pool:
            second = pool.submit(write, "second")  # waits for the lock `first` holds
            time.sleep(0.05)
            assert not second.done()
            first.commit()
            second.result(timeout=5)

    with engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM names ORDER BY name")).scalars().all()
    assert names == ["first", "second"]
    engine.dispose()


def test_requests_that_write_take_the_lock_at_begin_and_reads_do_not(
    test_settings: Settings, tmp_path: Path
) -> None:
    settings = test_settings.model_copy(
        update={"database_url": f"sqlite+pysqlite:///{tmp_path / 'app.db'}"}
    )
    build_database(settings.database_url)
    app = create_app(settings)
    begun: list[str] = []

    @event.listens_for(app.state.engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            begun.append(statement)

    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        reads = list(begun)
        begun.clear()
        registration = {"email": "carol@example.com", "username": "carol", "password": "x" * 12}
        assert client.post("/users/", json=registration).status_code == 201

    app.state.engine.dispose()
    assert reads == ["BEGIN"]
    # The availability check, then the insert after the password is hashed (no lock meanwhile).
    assert begun == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]
