from typing import Annotated

from fastapi import APIRouter, Depends, Response
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
    response: Response,
) -> Token:
    user = log_in(db, form.username, form.password, hasher, throttle)
    issued = create_access_token(user.id, settings, version=user.token_version)
    # A token is a credential: no cache on the way may keep it (RFC 6749, section 5.1).
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return Token(access_token=issued.access_token, expires_in=issued.expires_in)
