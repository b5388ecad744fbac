"""Column types that make money exact and times unambiguous on every engine."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from app.models import Item, Money, Role, User, UTCDateTime
from tests.support.factories import ItemFactory, UserFactory


@pytest.mark.parametrize(
    ("price", "cents"),
    [
        ("0.01", 1),
        ("0.10", 10),
        ("12.50", 1250),
        ("19.99", 1999),
        ("999999.99", 99999999),
        ("1000000.00", 100000000),
    ],
)
def test_a_price_is_stored_as_whole_cents_and_read_back_exactly(
    db_session: Session, price: str, cents: int
) -> None:
    item = ItemFactory(price=Decimal(price))
    db_session.expire_all()

    stored = db_session.scalar(text("SELECT price FROM items WHERE id = :id"), {"id": item.id})
    read_back = db_session.scalar(select(Item.price).where(Item.id == item.id))

    assert stored == cents
    assert read_back == Decimal(price)
    assert str(read_back) == price


def test_money_passes_null_through(db_session: Session) -> None:
    money, dialect = Money(), db_session.get_bind().dialect
    assert money.process_bind_param(None, dialect) is None
    assert money.process_result_value(None, dialect) is None


@pytest.mark.parametrize("price", ["12.345", "0.001"])
def test_money_refuses_a_fraction_of_a_cent_rather_than_rounding_it(
    db_session: Session, price: str
) -> None:
    money, dialect = Money(), db_session.get_bind().dialect
    with pytest.raises(ValueError, match="whole number of cents"):
        money.process_bind_param(Decimal(price), dialect)


def test_timestamps_come_back_aware_in_utc(db_session: Session) -> None:
    user = UserFactory()
    db_session.expire_all()

    created_at = db_session.scalar(select(User.created_at).where(User.id == user.id))

    assert created_at is not None
    assert created_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created_at) < timedelta(minutes=5)


@pytest.mark.usefixtures("local_time_not_utc")
def test_an_aware_time_in_another_zone_is_kept_as_the_same_instant(db_session: Session) -> None:
    paris_noon = datetime(2030, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    user = UserFactory(created_at=paris_noon)
    db_session.expire_all()

    created_at = db_session.scalar(select(User.created_at).where(User.id == user.id))

    assert created_at == datetime(2030, 6, 1, 10, 0, tzinfo=UTC)
    assert created_at is not None
    assert created_at.tzinfo is UTC


def test_a_naive_time_is_refused(db_session: Session) -> None:
    with pytest.raises(StatementError) as refused:
        UserFactory(created_at=datetime(2030, 6, 1, 12, 0))
    assert str(refused.value.orig) == "naive datetimes are ambiguous; pass an aware datetime"
    db_session.rollback()
    assert db_session.scalar(select(func.count(User.id))) == 0


@pytest.mark.usefixtures("local_time_not_utc")
def test_utc_datetime_converts_what_an_aware_driver_returns(db_session: Session) -> None:
    # PostgreSQL's driver hands back aware times in the session's zone; SQLite, naive UTC.
    utc_type, dialect = UTCDateTime(), db_session.get_bind().dialect
    tokyo = datetime(2030, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=9)))

    converted = utc_type.process_result_value(tokyo, dialect)
    assert converted == datetime(2030, 1, 1, 0, 0, tzinfo=UTC)
    assert converted is not None
    assert converted.utcoffset() == timedelta(0)
    assert utc_type.process_result_value(None, dialect) is None
    assert utc_type.process_bind_param(None, dialect) is None


def test_deleting_a_user_deletes_their_items(db_session: Session) -> None:
    owner = UserFactory()
    ItemFactory.create_batch(2, owner=owner)
    ItemFactory()

    db_session.delete(owner)
    db_session.commit()

    assert db_session.scalar(select(func.count(Item.id))) == 1


def test_is_admin_follows_the_role() -> None:
    assert User(role=Role.ADMIN).is_admin
    assert not User(role=Role.MEMBER).is_admin
