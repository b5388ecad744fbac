from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from app.dependencies import DbSession, HasherDep, LoginThrottleDep, SettingsDep
from app.routers.responses import errors
from app.schemas import Token
from app.security import create_access_token
from app.services.login import log_in

router = APIRouter(tags=["auth"])


@router.post("/token", response_model=Token, responses=errors(401, 429))
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: DbSession,
    hasher: HasherDep,
    settings: SettingsDep,
    throttle: LoginThrottleDep,
) -> Token:
    user = log_in(db, form.username, form.password, hasher, throttle)
    issued = create_access_token(user.id, settings)
    return Token(access_token=issued.access_token, expires_in=issued.expires_in)
