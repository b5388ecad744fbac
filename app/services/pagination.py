"""Limit/offset paging shared by every listing."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class PageResult(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(db: Session, query: Select[Any], *, limit: int, offset: int) -> PageResult[Any]:
    """Run `query` (which must already have a total order) for one page, with the full count."""
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(db.scalars(query.limit(limit).offset(offset)))
    return PageResult(items=rows, total=total, limit=limit, offset=offset)
