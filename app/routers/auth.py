from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from app.dependencies import DbSession, HasherDep, SettingsDep
from app.schemas import Token
from app.security import create_access_token
from app.services.users import authenticate

router = APIRouter(tags=["auth"])


@router.post("/token", response_model=Token)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: DbSession,
    hasher: HasherDep,
    settings: SettingsDep,
) -> Token:
    user = authenticate(db, form.username, form.password, hasher)
    issued = create_access_token(user.id, settings)
    return Token(access_token=issued.access_token, expires_in=issued.expires_in)
