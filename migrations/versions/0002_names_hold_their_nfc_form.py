"""names hold their NFC form

A name may be 100 characters as sent; stored in NFC it may be up to three times longer (Unicode's
bound for NFC, UAX #15), so items.name and users.full_name widen from 100 to 300 characters.
PostgreSQL widens a VARCHAR without rewriting the table; SQLite copies it (batch mode).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMES = (("items", "name", False), ("users", "full_name", True))


def upgrade() -> None:
    for table, column, nullable in NAMES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                existing_type=sa.String(length=100),
                type_=sa.String(length=300),
                existing_nullable=nullable,
            )


def downgrade() -> None:
    # Names longer than 100 characters would not fit any more: refuse rather than cut them.
    for table, column, nullable in NAMES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                existing_type=sa.String(length=300),
                type_=sa.String(length=100),
                existing_nullable=nullable,
            )
