"""Migrations: `alembic upgrade head` builds exactly the schema the models describe, and back.

Runs on whichever engine TEST_DATABASE_URL selects: a SQLite file by default, a throwaway
PostgreSQL database otherwise. The comparison is alembic's own autogenerate, so "no
difference" here means `alembic revision --autogenerate` would have nothing to write.
"""

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, Numeric, String, func, inspect, select
from sqlalchemy.pool import NullPool

from app.config import Environment, Settings
from app.database import make_engine
from app.demo import DEMO_USERS, seed_demo_users
from app.models import Base, User
from tests.harness.databases import alembic_config, is_postgres, target_url, throwaway_database

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_TABLES = {"alembic_version", "users", "items"}


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    base = target_url()
    if is_postgres(base):
        with throwaway_database(base, "migrations") as url:
            yield url
    else:
        yield f"sqlite+pysqlite:///{tmp_path / 'migrations.db'}"


def schema_diff(url: str, metadata: MetaData = Base.metadata) -> list[Any]:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_head_builds_exactly_the_schema_of_the_models(empty_database: str) -> None:
    command.upgrade(alembic_config(empty_database), "head")

    assert table_names(empty_database) == SCHEMA_TABLES
    assert schema_diff(empty_database) == []


def test_downgrade_base_leaves_the_database_empty_and_upgrade_works_again(
    empty_database: str,
) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")

    command.downgrade(config, "base")
    assert table_names(empty_database) <= {"alembic_version"}

    command.upgrade(config, "head")
    assert schema_diff(empty_database) == []


def test_the_comparison_notices_models_the_migrations_do_not_build(empty_database: str) -> None:
    """The check above could only pass vacuously if the comparison were blind; it is not."""
    command.upgrade(alembic_config(empty_database), "head")
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["users"].append_column(Column("nickname", String(20)))
    drifted.tables["items"].c.price.type = Numeric(12, 2)

    kinds = {_kind(entry) for entry in schema_diff(empty_database, drifted)}

    assert kinds == {"add_column", "modify_type"}


def _kind(entry: Any) -> str:
    # Column changes come grouped in a list of tuples; table-level ones are plain tuples.
    return str(entry[0][0] if isinstance(entry, list) else entry[0])


def test_the_cli_migrates_the_database_the_app_settings_name(empty_database: str) -> None:
    """What `make serve` and a deployment run: DATABASE_URL chooses the database."""
    environment = {**os.environ, "DATABASE_URL": empty_database, "ENVIRONMENT": "development"}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert schema_diff(empty_database) == []


def test_demo_seeding_runs_on_the_migrated_schema_and_is_idempotent(empty_database: str) -> None:
    settings = _cheap_settings(empty_database)
    command.upgrade(alembic_config(empty_database), "head")

    seed_demo_users(settings)
    credentials = seed_demo_users(settings)

    assert [username for username, _, _ in credentials] == [u[0] for u in DEMO_USERS]
    assert _user_count(empty_database) == len(DEMO_USERS)


def test_demo_seeding_refuses_a_database_without_migrations(empty_database: str) -> None:
    refusal = "the database has no schema yet: run `alembic upgrade head` first"
    with pytest.raises(SystemExit, match=f"^{re.escape(refusal)}$"):
        seed_demo_users(_cheap_settings(empty_database))

    assert table_names(empty_database) == set()


def _cheap_settings(url: str) -> Settings:
    return Settings(
        environment=Environment.TEST,
        database_url=url,
        argon2_time_cost=1,
        argon2_memory_cost_kib=8,
        argon2_parallelism=1,
    )


def _user_count(url: str) -> int:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(User)) or 0
    finally:
        engine.dispose()


def test_the_revision_history_is_one_straight_line() -> None:
    script = ScriptDirectory.from_config(alembic_config(target_url()))

    assert len(script.get_heads()) == 1
    assert script.get_base() is not None


def test_revisions_never_import_the_app() -> None:
    """A revision is frozen history: importing today's models would rewrite it silently."""
    revisions = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    assert revisions
    for path in revisions:
        imported = _imported_modules(path)
        assert not [m for m in imported if m == "app" or m.startswith("app.")], path.name


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module or "")
    return modules
