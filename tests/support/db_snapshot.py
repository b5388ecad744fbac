"""Every table's rows and counts, to prove a refused or failed write changed nothing."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Base


def row_counts(db: Session) -> dict[str, int]:
    return {
        table.name: db.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: equal snapshots mean equal data."""
    db.expire_all()
    return {
        table.name: [
            tuple(row) for row in db.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in Base.metadata.sorted_tables
    }
