"""Engine construction and the per-request session dependency."""

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys and working SAVEPOINTs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    connect_args = {"check_same_thread": False}
    in_memory = parsed.database in (None, "", ":memory:")
    if in_memory:
        # One shared connection, or every checkout would see its own empty database.
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    # A file serves concurrent requests. In SQLite's default journal a transaction still
    # reading (a login hashing a password, a request awaiting the catalog) blocks every commit
    # until it ends, and the writer fails after the busy timeout ("database is locked", a 503).
    # With write-ahead logging readers and the writer do not wait for each other. Two requests
    # that both read and then write can still collide (one gets the 503): SQLite has a single
    # writer, and concurrent writers are what PostgreSQL is for.
    _use_sqlalchemy_transactions(engine, write_ahead_log=not in_memory)
    return engine


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
        connection.exec_driver_sql("BEGIN")


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(
        bind=engine,
        # Equivalent mutants: expiring on commit only makes the answer re-read the row it shows.
        expire_on_commit=False,  # pragma: no mutate
    )


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, closed (and any open transaction rolled back) afterwards."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        yield session
