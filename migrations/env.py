"""Alembic environment: the app's own settings choose the database, its models the schema.

`alembic upgrade head` migrates whatever DATABASE_URL names (SQLite by default). Code that
drives alembic itself (the tests) may pass `database_url` in `Config.attributes` instead.
"""

from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import MetaData
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from app.config import Settings
from app.database import make_engine
from app.models import Base

config = context.config
target_metadata: MetaData = Base.metadata

# Only the CLI configures logging: embedded in a test run, fileConfig would silence the
# loggers the tests themselves capture.
if config.config_file_name is not None and not config.attributes.get("database_url"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def render_item(type_: str, obj: Any, _autogen_context: AutogenContext) -> str | bool:
    """Write the app's TypeDecorators (Money, UTCDateTime) as the column types they store as.

    A revision must not import app.models: the models will change, the revision must not.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def database_url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else Settings().database_url


def configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite alters a table by copying it; batch mode does that, and is plain ALTER elsewhere.
        render_as_batch=True,
        render_item=render_item,
        **options,
    )


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: print the DDL instead of running it."""
    configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # make_engine gives SQLite the app's transaction handling, so its DDL is transactional too.
    engine = make_engine(database_url(), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            configure(connection=connection, transactional_ddl=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
