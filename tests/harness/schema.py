"""A database with the schema of the models, recorded at the migrations' head revision.

What `alembic upgrade head` leaves behind (tests/integration/test_migrations.py proves the two
schemas are the same), built in one `create_all` instead of replaying every revision. The record
matters: /health answers 503 for a database that is not at the head revision.
"""

from sqlalchemy import Connection

from app.database import make_engine
from app.models import Base
from tests.harness.databases import alembic_config


def create_schema(connection: Connection) -> None:
    """The models' tables and alembic's version table at head, on `connection` (committed by
    the caller)."""
    # Imported here: alembic costs ~0.2 s of imports, paid once a test needs the database and
    # not by a process that only collects (`--collect-only`, xdist's controller).
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    Base.metadata.create_all(connection)
    migrations = ScriptDirectory.from_config(alembic_config(str(connection.engine.url)))
    MigrationContext.configure(connection).stamp(migrations, "head")


def build_database(url: str) -> None:
    """Creates the database at `url` if it is a SQLite file, with the schema at head."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            create_schema(connection)
    finally:
        engine.dispose()
