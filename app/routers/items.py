from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.dependencies import CurrentUser, DbSession
from app.models import Item
from app.routers.responses import errors
from app.schemas import ItemCreate, ItemRead, ItemUpdate, Page
from app.services import items as service
from app.services.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageResult
from app.text import NO_CONTROL_CHARACTERS

router = APIRouter(prefix="/items", tags=["items"])

ItemId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("/", response_model=ItemRead, status_code=201, responses=errors(400, 401, 409, 415))
def create_item(data: ItemCreate, db: DbSession, user: CurrentUser) -> Item:
    return service.create_item(db, data, user)


@router.get("/", response_model=Page[ItemRead], responses=errors(401))
def list_items(
    db: DbSession,
    _user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=NO_CONTROL_CHARACTERS,
            description="Part of the name, any case",
        ),
    ] = None,
) -> PageResult[Item]:
    return service.list_items(db, limit=limit, offset=offset, name_contains=q)


@router.get("/{item_id}", response_model=ItemRead, responses=errors(401, 404))
def read_item(item_id: ItemId, db: DbSession, _user: CurrentUser) -> Item:
    return service.get_item(db, item_id)


@router.patch("/{item_id}", response_model=ItemRead, responses=errors(400, 401, 403, 404, 409, 415))
def update_item(item_id: ItemId, changes: ItemUpdate, db: DbSession, user: CurrentUser) -> Item:
    return service.update_item(db, item_id, changes, user)


@router.delete(
    "/{item_id}", status_code=204, response_class=Response, responses=errors(401, 403, 404)
)
def delete_item(item_id: ItemId, db: DbSession, user: CurrentUser) -> Response:
    service.delete_item(db, item_id, user)
    return Response(status_code=204)
