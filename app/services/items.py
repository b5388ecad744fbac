"""Items: creation, listing, reading, changing and deleting, with ownership rules."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import Violation, violation_of
from app.errors import AuthenticationError, ConflictError, NotFoundError, PermissionDeniedError
from app.models import Item, User
from app.schemas import ItemCreate, ItemUpdate
from app.services.pagination import PageResult, paginate
from app.text import to_nfc

DUPLICATE_NAME = "You already have an item with this name"


def create_item(db: Session, data: ItemCreate, owner: User) -> Item:
    _ensure_name_free(db, owner.id, data.name)
    item = Item(owner_id=owner.id, name=data.name, description=data.description, price=data.price)
    db.add(item)
    _commit_or_conflict(db)
    return item


def list_items(
    db: Session, *, limit: int, offset: int, name_contains: str | None
) -> PageResult[Item]:
    query = select(Item).order_by(Item.id)
    if name_contains:
        # Names are stored in NFC, so the term must be too, or a decomposed "é" finds nothing;
        # lower() on both sides gives the same case-insensitive match on SQLite and PostgreSQL.
        term = to_nfc(name_contains)
        query = query.where(Item.name.icontains(term, autoescape=True))
    return paginate(db, query, limit=limit, offset=offset)


def get_item(db: Session, item_id: int) -> Item:
    item = db.get(Item, item_id)
    if item is None:
        raise NotFoundError("Item not found")
    return item


def _get_item_to_change(db: Session, item_id: int) -> Item:
    """The item, locked until the transaction ends (SELECT ... FOR UPDATE on PostgreSQL).

    Two requests changing or removing one item then take turns: the later one reads the row
    as the earlier left it, so a removal that won makes it find nothing (404), where an
    unlocked read let it write to a row already gone (StaleDataError, a 500). SQLite has no
    row locks; there writing requests already take turns at BEGIN (app/database.py).
    """
    item = db.get(Item, item_id, with_for_update=True)
    if item is None:
        raise NotFoundError("Item not found")
    return item


def ensure_can_modify(item: Item, user: User) -> None:
    if item.owner_id != user.id and not user.is_admin:
        raise PermissionDeniedError()


def update_item(db: Session, item_id: int, changes: ItemUpdate, user: User) -> Item:
    item = _get_item_to_change(db, item_id)
    ensure_can_modify(item, user)
    fields = changes.model_dump(exclude_unset=True)
    if "name" in fields and fields["name"] != item.name:
        _ensure_name_free(db, item.owner_id, fields["name"])
    for field, value in fields.items():
        setattr(item, field, value)
    _commit_or_conflict(db)
    return item


def delete_item(db: Session, item_id: int, user: User) -> None:
    item = _get_item_to_change(db, item_id)
    ensure_can_modify(item, user)
    db.delete(item)
    db.commit()


def _ensure_name_free(db: Session, owner_id: int, name: str) -> None:
    clash = db.scalar(select(Item.id).where(Item.owner_id == owner_id, Item.name == name))
    if clash is not None:
        raise ConflictError(DUPLICATE_NAME)


def _commit_or_conflict(db: Session) -> None:
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        violation = violation_of(exc)
        if violation is Violation.UNIQUE:
            # The unique constraint is the real guard; the check above only gives a faster answer.
            raise ConflictError(DUPLICATE_NAME) from exc
        if violation is Violation.FOREIGN_KEY:
            # The owner's account was deleted while this request ran: its token stands for no one.
            raise AuthenticationError() from exc
        raise
