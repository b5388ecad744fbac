"""Items and their owners, through the service functions."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ConflictError, NotFoundError, PermissionDeniedError
from app.models import Item, User
from app.schemas import ItemCreate, ItemUpdate
from app.services import items as service
from tests.support.factories import ItemFactory, UserFactory
from tests.support.sql_log import sql_sent, writes


def _item_count(db: Session) -> int:
    return db.scalar(select(func.count(Item.id))) or 0


def _lamp(**overrides: object) -> ItemCreate:
    fields: dict[str, object] = {"name": "Desk lamp", "price": "12.50"}
    return ItemCreate.model_validate({**fields, **overrides})


# --- creating ---------------------------------------------------------------------------


def test_an_item_belongs_to_whoever_creates_it(db_session: Session, member: User) -> None:
    item = service.create_item(db_session, _lamp(description="Brass"), member)

    db_session.expire_all()
    stored = db_session.get(Item, item.id)
    assert stored is not None
    assert (stored.owner_id, stored.name, stored.description) == (member.id, "Desk lamp", "Brass")
    assert stored.price == Decimal("12.50")


def test_one_owner_cannot_have_two_items_with_the_same_name(
    db_session: Session, member: User
) -> None:
    ItemFactory(owner=member, name="Desk lamp")

    with sql_sent(db_session) as sent, pytest.raises(ConflictError, match=service.DUPLICATE_NAME):
        service.create_item(db_session, _lamp(), member)
    assert _item_count(db_session) == 1
    # Found by the check, not by a failed INSERT (which PostgreSQL logs as an error and which
    # spends an id); the unique constraint is for the race the check cannot see.
    assert writes(sent) == []


def test_two_owners_may_use_the_same_name(
    db_session: Session, member: User, other_member: User
) -> None:
    ItemFactory(owner=other_member, name="Desk lamp")
    service.create_item(db_session, _lamp(), member)
    assert _item_count(db_session) == 2


def test_losing_the_name_race_is_a_conflict_and_the_session_survives(
    db_session: Session, member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ItemFactory(owner=member, name="Desk lamp")
    # As if a concurrent request inserted the name between our check and our commit.
    monkeypatch.setattr(service, "_ensure_name_free", lambda *args: None)

    with pytest.raises(ConflictError, match=service.DUPLICATE_NAME):
        service.create_item(db_session, _lamp(), member)

    assert _item_count(db_session) == 1
    service.create_item(db_session, _lamp(name="Floor lamp"), member)
    assert _item_count(db_session) == 2


# --- listing ----------------------------------------------------------------------------


def test_items_are_listed_in_creation_order_across_pages(db_session: Session) -> None:
    created = [item.id for item in ItemFactory.create_batch(5)]

    with sql_sent(db_session) as sent:
        pages = [
            service.list_items(db_session, limit=2, offset=o, name_contains=None) for o in (0, 2, 4)
        ]

    assert [item.id for page in pages for item in page.items] == sorted(created)
    assert {page.total for page in pages} == {5}
    # Asked for, not left to the engine: SQLite happens to return rows in id order, PostgreSQL
    # promises no order at all, and pages of an unordered query may repeat or skip rows.
    paged = [statement for statement in sent if "LIMIT" in statement]
    assert len(paged) == 3
    assert all("ORDER BY items.id" in statement for statement in paged)


def test_an_offset_past_the_end_gives_an_empty_page_with_the_total(db_session: Session) -> None:
    ItemFactory.create_batch(3)
    page = service.list_items(db_session, limit=20, offset=3, name_contains=None)
    assert (page.items, page.total, page.offset) == ([], 3, 3)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("lamp", {"Desk Lamp", "LAMP shade"}, id="any case"),
        pytest.param("LAMP", {"Desk Lamp", "LAMP shade"}, id="upper-case query"),
        pytest.param("%", {"100% wool"}, id="percent is literal"),
        pytest.param("_", {"snake_case"}, id="underscore is literal"),
        pytest.param("100%", {"100% wool"}, id="percent inside a word"),
        pytest.param("", {"Desk Lamp", "LAMP shade", "100% wool", "snake_case", "Mug"}, id="empty"),
        pytest.param(
            None, {"Desk Lamp", "LAMP shade", "100% wool", "snake_case", "Mug"}, id="none"
        ),
        pytest.param("teapot", set(), id="no match"),
    ],
)
def test_the_name_filter_matches_a_literal_substring_in_any_case(
    db_session: Session, query: str | None, expected: set[str]
) -> None:
    for name in ("Desk Lamp", "LAMP shade", "100% wool", "snake_case", "Mug"):
        ItemFactory(name=name)

    page = service.list_items(db_session, limit=20, offset=0, name_contains=query)

    assert {item.name for item in page.items} == expected
    assert page.total == len(expected)


def test_a_search_typed_with_a_decomposed_accent_finds_the_stored_name(
    db_session: Session,
) -> None:
    ItemFactory(name="Caf\u00e9 table")  # stored as NFC, as the API stores every name

    page = service.list_items(db_session, limit=20, offset=0, name_contains="cafe\u0301")

    assert [item.name for item in page.items] == ["Caf\u00e9 table"]


# --- reading, changing, deleting --------------------------------------------------------


def test_an_unknown_item_is_not_found(db_session: Session) -> None:
    with pytest.raises(NotFoundError, match="Item not found"):
        service.get_item(db_session, 999)


@pytest.mark.parametrize("editor", ["owner", "admin"])
def test_the_owner_or_an_admin_may_change_an_item(
    db_session: Session, member: User, admin: User, editor: str
) -> None:
    item = ItemFactory(owner=member, name="Desk lamp", description="Brass")
    changes = ItemUpdate(name="Reading lamp", price=Decimal("15"))

    service.update_item(db_session, item.id, changes, member if editor == "owner" else admin)

    db_session.expire_all()
    stored = db_session.get(Item, item.id)
    assert stored is not None
    assert (stored.name, stored.price, stored.description) == (
        "Reading lamp",
        Decimal("15.00"),
        "Brass",
    )
    assert stored.owner_id == member.id


def test_another_member_may_not_change_an_item(
    db_session: Session, member: User, other_member: User
) -> None:
    item = ItemFactory(owner=member, name="Desk lamp")

    with pytest.raises(PermissionDeniedError):
        service.update_item(db_session, item.id, ItemUpdate(name="Mine now"), other_member)
    assert db_session.scalar(select(Item.name).where(Item.id == item.id)) == "Desk lamp"


def test_renaming_onto_another_of_your_items_is_a_conflict(
    db_session: Session, member: User
) -> None:
    ItemFactory(owner=member, name="Floor lamp")
    item = ItemFactory(owner=member, name="Desk lamp")

    with sql_sent(db_session) as sent, pytest.raises(ConflictError, match=service.DUPLICATE_NAME):
        service.update_item(db_session, item.id, ItemUpdate(name="Floor lamp"), member)
    assert writes(sent) == []


def test_an_admin_rename_checks_the_owners_names_not_the_admins(
    db_session: Session, member: User, admin: User
) -> None:
    ItemFactory(owner=admin, name="Floor lamp")
    item = ItemFactory(owner=member, name="Desk lamp")

    renamed = service.update_item(db_session, item.id, ItemUpdate(name="Floor lamp"), admin)

    assert renamed.name == "Floor lamp"


def test_keeping_the_same_name_is_not_a_conflict(db_session: Session, member: User) -> None:
    item = ItemFactory(owner=member, name="Desk lamp")
    changes = ItemUpdate(name="Desk lamp", description=None)

    updated = service.update_item(db_session, item.id, changes, member)

    assert (updated.name, updated.description) == ("Desk lamp", None)


@pytest.mark.parametrize("deleter", ["owner", "admin"])
def test_the_owner_or_an_admin_may_delete_an_item(
    db_session: Session, member: User, admin: User, deleter: str
) -> None:
    item = ItemFactory(owner=member)

    service.delete_item(db_session, item.id, member if deleter == "owner" else admin)

    assert _item_count(db_session) == 0


def test_another_member_may_not_delete_an_item(
    db_session: Session, member: User, other_member: User
) -> None:
    item = ItemFactory(owner=member)

    with pytest.raises(PermissionDeniedError, match="Not enough permissions"):
        service.delete_item(db_session, item.id, other_member)
    assert _item_count(db_session) == 1


def test_deleting_an_unknown_item_is_not_found(db_session: Session) -> None:
    with pytest.raises(NotFoundError):
        service.delete_item(db_session, 999, UserFactory(admin=True))
