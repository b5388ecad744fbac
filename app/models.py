"""SQLAlchemy 2.0 typed models."""

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")

# Names (an item's, a user's full name) are at most this many characters as sent, and stored in
# NFC, which makes a string at most three times longer (Unicode's bound, UAX #15; met by e.g.
# "\ufb2c"): the columns hold that, so no name the schema allows fails to fit.
NAME_MAX_LENGTH = 100
NAME_COLUMN_LENGTH = 3 * NAME_MAX_LENGTH


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class Money(TypeDecorator[Decimal]):
    """A price stored as whole cents, so it is exact on every engine (SQLite has no DECIMAL)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        cents = value / CENT
        if cents != cents.to_integral_value():
            # Rounding here would silently change a price the schema should have refused.
            raise ValueError(f"{value} is not a whole number of cents")
        return int(cents)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) * CENT).quantize(CENT)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out; SQLite would otherwise hand back naive times."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Ids are 64-bit on every engine, as the API's id bounds promise: BIGINT on PostgreSQL (whose
# INTEGER is 32-bit, so a larger id in a URL was a 500), and on SQLite INTEGER, which is already
# 64-bit and must stay INTEGER for the primary key to be the auto-numbered rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


# Named constraints, the same on every engine: migrations can then drop or alter them by name
# (SQLite's batch mode cannot touch an unnamed one).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The alembic revision that builds exactly these tables: /health refuses a database at any
# other (tests/integration/test_database_faults.py checks it is the migrations' head).
SCHEMA_REVISION = "0003"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(NAME_COLUMN_LENGTH))
    hashed_password: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.MEMBER,
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Tokens carry the version current when they were issued; deactivating the account moves it
    # on, so no token issued before works again, even once the account is reactivated.
    token_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    items: Mapped[list["Item"]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_items_owner_id_name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        Id, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_COLUMN_LENGTH))
    description: Mapped[str | None] = mapped_column(String(1000))
    price: Mapped[Decimal] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    owner: Mapped[User] = relationship(back_populates="items")
