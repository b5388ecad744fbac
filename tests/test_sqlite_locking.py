"""A SQLite file under concurrent requests: a long reader does not hold up a writer.

Met while load testing (loadtests/): in SQLite's default journal a transaction that is still
reading (a login hashing a password, a request awaiting the catalog) blocks every commit until
it ends, and after the busy timeout the writer fails with "database is locked" (a 503).
app/database.py turns write-ahead logging on for SQLite files.
"""

from pathlib import Path

from sqlalchemy import text

from app.database import make_engine


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
