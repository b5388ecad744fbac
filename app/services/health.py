"""Readiness: does the database answer, with the schema this code needs, readable?

A database that answers `SELECT 1` can still be unusable: never migrated, migrated to another
revision, or with a table the app's role may not read. Each is reported as what is wrong, so an
operator (or a load balancer) need not guess from 503s on every other route.
"""

import logging

from sqlalchemy import inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.errors import DatabaseNotReady
from app.models import SCHEMA_REVISION, Base

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = "Database unavailable"
NOT_MIGRATED = (
    "Database schema is at revision {found}, this service needs {expected}: "
    "run the migrations (alembic upgrade head)"
)
NOT_READABLE = "Database table {table} cannot be read"
VERSION_TABLE = "alembic_version"


def check_database(db: Session) -> None:
    """Raise DatabaseNotReady saying what is wrong, unless the database is ready to serve."""
    try:
        # Equivalent mutants: SQL keywords are case-insensitive.
        db.execute(text("SELECT 1"))  # pragma: no mutate
    except SQLAlchemyError as exc:
        logger.exception("health check: database unavailable")
        raise DatabaseNotReady(DATABASE_UNAVAILABLE) from exc
    found = _schema_revision(db)
    if found != SCHEMA_REVISION:
        logger.error("health check: schema at revision %s, not %s", found, SCHEMA_REVISION)
        raise DatabaseNotReady(NOT_MIGRATED.format(found=found, expected=SCHEMA_REVISION))
    for table in Base.metadata.sorted_tables:
        try:
            db.execute(select(table).limit(1))
        except SQLAlchemyError as exc:
            logger.exception("health check: table %s cannot be read", table.name)
            raise DatabaseNotReady(NOT_READABLE.format(table=table.name)) from exc


def _schema_revision(db: Session) -> str:
    """The revision alembic recorded, or "none" where it recorded nothing."""
    # Asking the catalog first: a failed SELECT would abort a PostgreSQL transaction.
    if not inspect(db.connection()).has_table(VERSION_TABLE):
        return "none"
    revisions = db.scalars(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    return ", ".join(sorted(revisions)) or "none"
