"""Tokens an actor may hold, from a genuine one to every kind the service must refuse."""

import base64
import json
import warnings
from datetime import UTC, datetime, timedelta

import jwt

from app.config import Settings
from app.models import User
from app.security import ALGORITHM, create_access_token
from step_defs.support.api import MISSING_ID
from step_defs.support.types import Presentation, TokenKind

ANOTHER_KEY = "a-key-that-is-not-the-service-key-0123456789"


def make_token(kind: TokenKind, user: User, settings: Settings) -> str:
    now = datetime.now(UTC)
    lifetime = timedelta(minutes=settings.access_token_expire_minutes)
    claims = {"sub": str(user.id), "iat": now, "exp": now + lifetime}
    if kind is TokenKind.VALID:
        return create_access_token(user.id, settings).access_token
    if kind is TokenKind.ABOUT_TO_EXPIRE:
        almost_expired = now - lifetime + timedelta(minutes=1)
        return create_access_token(user.id, settings, now=almost_expired).access_token
    if kind is TokenKind.EXPIRED:
        expired = now - lifetime - timedelta(minutes=1)
        return create_access_token(user.id, settings, now=expired).access_token
    if kind is TokenKind.MALFORMED:
        return "this-is-not-a-token"
    if kind is TokenKind.FORGED:
        return jwt.encode(claims, ANOTHER_KEY, algorithm=ALGORITHM)
    if kind is TokenKind.UNSIGNED:
        return jwt.encode(claims, None, algorithm="none")
    if kind is TokenKind.WITHOUT_EXPIRY:
        del claims["exp"]
        return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)
    if kind is TokenKind.FOR_UNKNOWN_ACCOUNT:
        return create_access_token(MISSING_ID, settings).access_token
    if kind is TokenKind.OTHER_ALGORITHM:
        with warnings.catch_warnings():
            # A forger's HS512 with the service's HS256-sized key is exactly the token wanted.
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm="HS512")
    if kind is TokenKind.TAMPERED:
        # Someone else's genuine token, its payload rewritten to name this user.
        genuine = create_access_token(MISSING_ID, settings).access_token
        header, _payload, signature = genuine.split(".")
        rewritten = json.dumps({"sub": str(user.id), "iat": 1, "exp": 4_102_444_800})
        payload = jwt.utils.base64url_encode(rewritten.encode()).decode()
        return f"{header}.{payload}.{signature}"
    if kind is TokenKind.WITHOUT_SUBJECT:
        del claims["sub"]
        return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)
    raise AssertionError(f"no recipe for a token that is {kind.value!r}")


def authorization(presentation: Presentation, token: str, username: str) -> str:
    """The Authorization header of a caller who sends `token` the wrong way."""
    if presentation is Presentation.NO_SCHEME:
        return token
    if presentation is Presentation.OTHER_SCHEME:
        return f"Token {token}"
    if presentation is Presentation.PASSWORD_INSTEAD:
        return "Basic " + base64.b64encode(f"{username}:a-password".encode()).decode()
    if presentation is Presentation.EMPTY_BEARER:
        return "Bearer"
    if presentation is Presentation.TRAILING_WORDS:
        return f"Bearer {token} and more"
    raise AssertionError(f"no recipe for a token sent {presentation.value!r}")
