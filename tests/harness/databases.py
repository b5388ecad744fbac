"""Throwaway PostgreSQL databases, so parallel workers and runs never see each other's rows.

A database is created next to the one `TEST_DATABASE_URL` names (connecting to that one with
AUTOCOMMIT, since CREATE/DROP DATABASE cannot run in a transaction) and dropped afterwards,
even if a connection to it is still open.
"""

import itertools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL = "sqlite+pysqlite://"
ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
# PostgreSQL truncates identifiers at 63 bytes; a truncated name could collide with another run.
MAX_NAME = 63
# Numbers the databases one process makes, so nested sessions (pytester) never share one.
_serial = itertools.count()


def target_url() -> str:
    """The database the suite is asked to run against (in-memory SQLite by default)."""
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_URL)


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def worker_id() -> str:
    """`gw0`, `gw1`, ... under pytest-xdist, `main` otherwise."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def scratch_name(base_url: str, purpose: str) -> str:
    """A name unique to this base database, worker, process, call and purpose."""
    base = make_url(base_url).database or "postgres"
    # The pid keeps two simultaneous runs on one server (a developer and CI) apart.
    name = f"{base}_{worker_id()}_{os.getpid()}_{next(_serial)}_{purpose}".lower()
    name = re.sub(r"[^a-z0-9_]", "_", name)
    if len(name) > MAX_NAME:
        raise ValueError(f"database name {name!r} is longer than {MAX_NAME} characters")
    return name


@contextmanager
def throwaway_database(base_url: str, purpose: str) -> Iterator[str]:
    """Create an empty PostgreSQL database beside `base_url`'s, yield its URL, then drop it."""
    name = scratch_name(base_url, purpose)
    admin = create_engine(base_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            # A crashed earlier run with the same pid may have left it behind.
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def alembic_config(database_url: str) -> "Config":
    """The project's alembic configuration, aimed at `database_url` instead of DATABASE_URL."""
    # Imported here (as in schema.py): alembic costs ~0.2 s of imports, which only a process
    # that builds a schema needs; collecting (`--collect-only`, xdist's controller) does not.
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = database_url
    return config
