from typing import Annotated

from fastapi import APIRouter, Path

from app.dependencies import CurrentUser, DbSession, HasherDep
from app.models import User
from app.routers.responses import errors
from app.schemas import UserCreate, UserPublic, UserRead
from app.services.users import get_visible_user, register_user

router = APIRouter(prefix="/users", tags=["users"])

UserId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("/", response_model=UserRead, status_code=201, responses=errors(400, 409, 415))
def register(data: UserCreate, db: DbSession, hasher: HasherDep) -> User:
    return register_user(db, data, hasher)


@router.get("/me/", response_model=UserRead, responses=errors(401))
def read_me(user: CurrentUser) -> User:
    return user


@router.get("/{user_id}", response_model=UserRead | UserPublic, responses=errors(401, 404))
def read_user(user_id: UserId, db: DbSession, viewer: CurrentUser) -> UserRead | UserPublic:
    user = get_visible_user(db, user_id, viewer)
    if viewer.is_admin:
        return UserRead.model_validate(user)
    return UserPublic.model_validate(user)
