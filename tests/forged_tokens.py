"""Tokens the service must refuse, each built the way an attacker or a stale client would."""

import base64
import json
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from app.config import Settings
from app.security import ALGORITHM, create_access_token

TokenMaker = Callable[[Settings], str]


def _sign(claims: dict[str, Any], key: str, algorithm: str = ALGORITHM) -> str:
    with warnings.catch_warnings():
        # A forger's HS384/HS512 with our HS256-sized key is exactly the token under test.
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(claims, key, algorithm=algorithm)


def _claims(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": "1", "iat": now, "exp": now + timedelta(minutes=5)}
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _expired(settings: Settings) -> str:
    past = datetime.now(UTC) - timedelta(minutes=settings.access_token_expire_minutes + 1)
    return create_access_token(1, settings, now=past).access_token


def _other_secret(settings: Settings) -> str:
    return _sign(_claims(), "another-secret-key-that-is-long-enough-012345")


def _alg_none(settings: Settings) -> str:
    return jwt.encode(_claims(), None, algorithm="none")


def _tampered(settings: Settings) -> str:
    header, _payload, signature = create_access_token(1, settings).access_token.split(".")
    return f"{header}.{_b64({'sub': '2', 'iat': 1, 'exp': 4102444800})}.{signature}"


def signed(algorithm: str = ALGORITHM, **claims: Any) -> TokenMaker:
    def make(settings: Settings) -> str:
        return _sign(_claims(**claims), settings.secret_key.get_secret_value(), algorithm)

    return make


REJECTED_TOKENS: dict[str, TokenMaker] = {
    "not a jwt": lambda settings: "not-a-jwt",
    "empty segments": lambda settings: "..",
    "expired": _expired,
    "signed with another secret": _other_secret,
    "payload tampered with": _tampered,
    "alg none": _alg_none,
    "alg HS384": signed("HS384"),
    "alg HS512": signed("HS512"),
    "no sub": signed(sub=None),
    "no iat": signed(iat=None),
    "no exp": signed(exp=None),
    "sub a number, not a string": signed(sub=1),
    "sub not numeric": signed(sub="alice"),
    "sub negative": signed(sub="-1"),
    "sub a decimal": signed(sub="1.5"),
    "sub empty": signed(sub=""),
    "sub non-ascii digits": signed(sub="\u0661\u0662"),
    "sub beyond a 64-bit id": signed(sub=str(2**63)),
}
