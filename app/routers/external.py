from typing import Annotated

from fastapi import APIRouter, Path

from app.dependencies import CatalogDep, CurrentUserReleasingDb
from app.routers.responses import errors
from app.schemas import ExternalItem

router = APIRouter(tags=["external"])

# Only characters that cannot change the upstream path or query.
CatalogItemId = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,64}$")]


@router.get(
    "/external-item/{item_id}",
    response_model=ExternalItem,
    responses=errors(401, 404, 502, 503, 504),
)
async def read_external_item(
    item_id: CatalogItemId, catalog: CatalogDep, _user: CurrentUserReleasingDb
) -> ExternalItem:
    data = await catalog.fetch_item(item_id)
    return ExternalItem(item_id=item_id, external_data=data)
