"""On PostgreSQL every worker (and every throwaway use) gets a database of its own."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.harness.databases import (
    is_postgres,
    scratch_name,
    target_url,
    throwaway_database,
    worker_id,
)

BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
needs_postgres = pytest.mark.skipif(
    not is_postgres(target_url()), reason="per-worker databases exist only on PostgreSQL"
)


def test_scratch_names_differ_per_call_and_name_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")

    first, second = scratch_name(BASE, "suite"), scratch_name(BASE, "suite")

    assert first != second
    assert first.startswith("test_gw3_")
    assert first.endswith("_suite")


def test_a_scratch_name_postgresql_would_truncate_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than 63"):
        scratch_name(BASE.replace("/test", "/" + "t" * 60), "suite")


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _execute(url: str, sql: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


@needs_postgres
def test_the_suite_runs_in_this_workers_own_database(database_url: str) -> None:
    name = make_url(database_url).database

    assert name != make_url(target_url()).database
    assert name is not None
    assert f"_{worker_id()}_" in name
    assert _scalar(database_url, "SELECT current_database()") == name


@needs_postgres
def test_rows_committed_in_one_workers_database_are_invisible_in_another() -> None:
    with (
        throwaway_database(target_url(), "one") as one,
        throwaway_database(target_url(), "two") as two,
    ):
        for url in (one, two):
            _execute(url, "CREATE TABLE marks (n int)")
        _execute(one, "INSERT INTO marks VALUES (1)")

        assert _scalar(one, "SELECT count(*) FROM marks") == 1
        assert _scalar(two, "SELECT count(*) FROM marks") == 0


@needs_postgres
def test_a_throwaway_database_is_dropped_even_with_a_connection_open() -> None:
    exists = "SELECT count(*) FROM pg_database WHERE datname = '{}'"
    with throwaway_database(target_url(), "gone") as url:
        name = make_url(url).database
        assert _scalar(target_url(), exists.format(name)) == 1
        lingering = create_engine(url, poolclass=NullPool).connect()
    try:
        assert _scalar(target_url(), exists.format(name)) == 0
    finally:
        lingering.invalidate()
        lingering.close()
