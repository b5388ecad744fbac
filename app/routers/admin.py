from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.dependencies import AdminUser, DbSession
from app.models import User
from app.routers.responses import errors
from app.schemas import Page, UserAdminUpdate, UserRead
from app.services.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageResult
from app.services.users import list_users, update_user_as_admin

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users/", response_model=Page[UserRead], responses=errors(401, 403))
def admin_list_users(
    db: DbSession,
    _admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> PageResult[User]:
    return list_users(db, limit=limit, offset=offset)


@router.patch(
    "/users/{user_id}", response_model=UserRead, responses=errors(400, 401, 403, 404, 409, 415)
)
def admin_update_user(
    user_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    changes: UserAdminUpdate,
    db: DbSession,
    admin: AdminUser,
) -> User:
    return update_user_as_admin(db, user_id, changes, admin)
