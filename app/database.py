"""Engine construction and the per-request session dependency."""

from collections.abc import Iterator
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from fastapi import Request
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from app.config import Settings

# An execution option read by SQLite engines only: begin with the write lock already taken.
# SQLite cannot always turn a transaction that has read into one that writes: if another
# connection committed in between, it refuses at once ("database is locked", a 503) rather than
# wait, since the reader's snapshot is stale. Met under load (tools/loadtests/): two item creations,
# each reading the caller first. Taken at BEGIN, the lock is waited for (the busy timeout, 5 s)
# and writers queue; reads still begin deferred and, with the write-ahead log, never wait.
WRITE_LOCK_AT_BEGIN = "sqlite_write_lock_at_begin"
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def make_engine(
    url: str | URL, *, connect_args: dict[str, Any] | None = None, **kwargs: Any
) -> Engine:
    """Create an engine; SQLite gets foreign keys and working SAVEPOINTs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args or {}, **kwargs)
    connect_args = {"check_same_thread": False, **(connect_args or {})}
    in_memory = _in_memory(parsed)
    if in_memory:
        # One shared connection, or every checkout would see its own empty database.
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(parsed, connect_args=connect_args, **kwargs)
    # A file serves concurrent requests. In SQLite's default journal a transaction still
    # reading (a login hashing a password, a request awaiting the catalog) blocks every commit
    # until it ends, and the writer fails after the busy timeout ("database is locked", a 503).
    # With write-ahead logging readers and the writer do not wait for each other; requests that
    # write take the write lock when they begin (see get_db), so writers queue instead of failing.
    _use_sqlalchemy_transactions(engine, write_ahead_log=not in_memory)
    return engine


def make_app_engine(settings: Settings) -> Engine:
    """The app's engine: every wait on the database bounded, and no database file created.

    Without bounds a database host that accepts connections and never answers held requests
    forever, and a lock held elsewhere held them as long as the lock. A SQLite file is opened,
    never created: reaching the database before `alembic upgrade head` made it (a mistyped path,
    a test hitting the default `./app.db`) is a 503, not a new empty file.
    """
    parsed = make_url(settings.database_url)
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        connect_args: dict[str, Any] = {"timeout": settings.database_lock_timeout_seconds}
        if not _in_memory(parsed):
            parsed = _existing_file_only(parsed)
            options["pool_timeout"] = settings.database_pool_timeout_seconds
        return make_engine(parsed, connect_args=connect_args, **options)
    server_limits = (
        f"-c lock_timeout={_milliseconds(settings.database_lock_timeout_seconds)}"
        f" -c statement_timeout={_milliseconds(settings.database_statement_timeout_seconds)}"
    )
    return make_engine(
        parsed,
        connect_args={
            "connect_timeout": settings.database_connect_timeout_seconds,
            "options": server_limits,
        },
        pool_timeout=settings.database_pool_timeout_seconds,
    )


def _milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:")


def _existing_file_only(url: URL) -> URL:
    # SQLite's URI filenames: mode=rw opens an existing file for reading and writing, and fails
    # ("unable to open database file") where a plain path would create one.
    if url.query.get("uri") == "true":
        return url  # already a URI filename: its own mode stands
    path = quote(url.database or "")
    return url.set(database=f"file:{path}", query={**url.query, "mode": "rw", "uri": "true"})


def _use_sqlalchemy_transactions(engine: Engine, *, write_ahead_log: bool) -> None:
    # pysqlite issues BEGIN lazily and its own way, which breaks SAVEPOINT; take it over
    # (SQLAlchemy's "Serializable isolation / Savepoints / Transactional DDL" recipe).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if write_ahead_log:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
        # SQLite's own lower() folds ASCII only, PostgreSQL's every letter: without this the
        # name filter would find "Äpfel" for "äpfel" on one engine and not the other.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE_LOCK_AT_BEGIN, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def make_session_factory(
    engine: Engine, *, write_lock_at_begin: bool = False
) -> sessionmaker[Session]:
    if write_lock_at_begin:
        engine = engine.execution_options(**{WRITE_LOCK_AT_BEGIN: True})
    return sessionmaker(
        bind=engine,
        # Equivalent mutants: expiring on commit only makes the answer re-read the row it shows.
        expire_on_commit=False,  # pragma: no mutate
    )


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, closed (and any open transaction rolled back) afterwards."""
    state = request.app.state
    factory: sessionmaker[Session] = (
        state.writing_session_factory
        if request.method in WRITING_METHODS
        else state.session_factory
    )
    with factory() as session:
        yield session


class Violation(StrEnum):
    """Which kind of constraint an IntegrityError broke, the same on every engine."""

    UNIQUE = "unique"
    FOREIGN_KEY = "foreign key"
    OTHER = "other"


# PostgreSQL's SQLSTATEs (psycopg's `sqlstate`) and SQLite's extended result codes (sqlite3's
# `sqlite_errorname`) for the violations callers tell apart. PostgreSQL reports a duplicate
# primary key as a unique violation; SQLite is made to agree.
_VIOLATIONS = {
    "23505": Violation.UNIQUE,
    "23503": Violation.FOREIGN_KEY,
    "SQLITE_CONSTRAINT_UNIQUE": Violation.UNIQUE,
    "SQLITE_CONSTRAINT_PRIMARYKEY": Violation.UNIQUE,
    "SQLITE_CONSTRAINT_FOREIGNKEY": Violation.FOREIGN_KEY,
}


def violation_of(error: IntegrityError) -> Violation:
    driver = error.orig
    code = getattr(driver, "sqlstate", None) or getattr(driver, "sqlite_errorname", None)
    return _VIOLATIONS.get(str(code), Violation.OTHER)
