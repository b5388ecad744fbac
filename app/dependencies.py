"""FastAPI dependencies: settings, hasher, catalog, the calling user and role checks."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.catalog import CatalogClient
from app.config import Settings
from app.database import get_db
from app.errors import AuthenticationError, PermissionDeniedError
from app.models import User
from app.security import InvalidTokenError, PasswordHasher, decode_access_token
from app.services.throttle import LoginThrottle

# auto_error=False: we raise ourselves, so every 401 carries the same header and wording.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)


# The getters below only read app state, so they are `async def`: FastAPI runs a plain `def`
# dependency in its thread pool, a round trip per dependency per request (measured: ~0.3 ms of
# a 3 ms request through the TestClient). Whatever touches the database stays `def`.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_hasher(request: Request) -> PasswordHasher:
    hasher: PasswordHasher = request.app.state.hasher
    return hasher


async def get_catalog(request: Request) -> AsyncIterator[CatalogClient]:
    """The app's pooled catalog client, made by its lifespan.

    An app served without its lifespan (`TestClient(app)` never entered with `with`, httpx's
    ASGITransport: FastAPI's documented ways of testing) has none: this request then opens a
    client of its own and closes it after. A shared one made here could not serve the next
    request: such a TestClient runs each request on a new event loop, and pooled connections
    belong to the loop that opened them.
    """
    catalog: CatalogClient | None = getattr(request.app.state, "catalog", None)
    if catalog is not None:
        yield catalog
        return
    async with request.app.state.open_catalog() as own_catalog:
        yield own_catalog


async def get_login_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


DbSession = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
HasherDep = Annotated[PasswordHasher, Depends(get_hasher)]
CatalogDep = Annotated[CatalogClient, Depends(get_catalog)]
LoginThrottleDep = Annotated[LoginThrottle, Depends(get_login_throttle)]


def resolve_token_user(db: Session, token: str | None, settings: Settings) -> User:
    """The active user a bearer token stands for; the role is read from the database."""
    if not token:
        raise AuthenticationError("Not authenticated")
    try:
        claims = decode_access_token(token, settings)
    except InvalidTokenError as exc:
        raise AuthenticationError() from exc
    user = db.get(User, claims.user_id)
    # An older version: issued before the account was deactivated, whatever it is now.
    if user is None or not user.is_active or claims.version != user.token_version:
        raise AuthenticationError()
    return user


def get_current_user(
    db: DbSession, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    return resolve_token_user(db, token, settings)


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_user_releasing_db(
    db: DbSession, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    """The caller, for routes that go on to wait on something slow (the catalog). The session
    is closed once the caller is known, so no pooled connection is held while they wait: held,
    a slow catalog would starve every other request of the pool."""
    try:
        return resolve_token_user(db, token, settings)
    finally:
        db.close()


CurrentUserReleasingDb = Annotated[User, Depends(get_current_user_releasing_db)]


async def require_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise PermissionDeniedError()
    return user


AdminUser = Annotated[User, Depends(require_admin)]
