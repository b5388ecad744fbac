"""Every token the suite builds: the genuine one login issues, and each kind the service refuses.

The one place tokens are forged. The unit tests (`REJECTED_TOKENS`), the JWT attack catalogue
(tests/support/jwt_attacks.py) and the acceptance step for a sign-in made minutes ago
(step_defs/test_auth_roles.py) all build theirs here, so a refusal proven in one is the same token
as in the others. Every forged token but the first few is a real, correctly signed token that is
wrong in exactly one respect.
"""

import base64
import json
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from app.config import Settings
from app.security import ALGORITHM, create_access_token

# A key that is long enough for HS256 but is not the service's.
FOREIGN_SECRET = "a-different-secret-key-that-is-long-enough-0123"
# A subject the forged tokens of `REJECTED_TOKENS` name; no account needs to exist for it.
SUBJECT = 1

TokenMaker = Callable[[Settings], str]


# --- the pieces --------------------------------------------------------------------------------


def claims(subject: int | str | None, **overrides: Any) -> dict[str, Any]:
    """Login's claims for `subject`, valid for five minutes; an override of None drops a claim."""
    now = datetime.now(UTC)
    found: dict[str, Any] = {
        "sub": None if subject is None else str(subject),
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    found.update(overrides)
    return {name: value for name, value in found.items() if value is not None}


def sign(payload: dict[str, Any], key: str, algorithm: str = ALGORITHM) -> str:
    with warnings.catch_warnings():
        # A forger's HS384/HS512 with the service's HS256-sized key is exactly the token wanted.
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(payload, key, algorithm=algorithm)


def service_key(settings: Settings) -> str:
    return settings.secret_key.get_secret_value()


def segment(data: dict[str, Any]) -> str:
    """One base64url segment of a JWT, written by hand as an attacker would."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def bearer(token: str) -> str:
    """The Authorization header that carries `token` the right way."""
    return f"Bearer {token}"


def basic(username: str, password: str) -> str:
    """The Authorization header of a caller who sends a password instead of a token."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# --- tokens for a subject ----------------------------------------------------------------------


def genuine(settings: Settings, subject: int, *, now: datetime | None = None) -> str:
    """The token login issues."""
    return create_access_token(subject, settings, now=now).access_token


def expired(settings: Settings, subject: int, ago: timedelta = timedelta(minutes=1)) -> str:
    """A genuine token whose lifetime ended `ago`."""
    lifetime = timedelta(minutes=settings.access_token_expire_minutes)
    return genuine(settings, subject, now=datetime.now(UTC) - lifetime - ago)


def signed(settings: Settings, subject: int | str | None, **overrides: Any) -> str:
    """Signed with the service's key and algorithm; the claims changed as `overrides` say."""
    return sign(claims(subject, **overrides), service_key(settings))


def other_algorithm(settings: Settings, subject: int, algorithm: str = "HS512") -> str:
    return sign(claims(subject), service_key(settings), algorithm)


def other_key(subject: int) -> str:
    return sign(claims(subject), FOREIGN_SECRET)


def unsigned(subject: int) -> str:
    # Built by hand: PyJWT would also sign "none", but an attacker need not use PyJWT.
    header = segment({"alg": "none", "typ": "JWT"})
    return f"{header}.{segment({'sub': str(subject), 'iat': 1, 'exp': 4_102_444_800})}."


def tampered(settings: Settings, subject: int, *, genuine_for: int) -> str:
    """Someone else's genuine token, its payload rewritten to name `subject`."""
    header, _payload, signature = genuine(settings, genuine_for).split(".")
    payload = segment({"sub": str(subject), "iat": 1, "exp": 4_102_444_800})
    return f"{header}.{payload}.{signature}"


# --- the refusals, by name -----------------------------------------------------------------------


def with_claims(algorithm: str = ALGORITHM, **overrides: Any) -> TokenMaker:
    """A maker of tokens for `SUBJECT` signed with the service's key, claims changed."""

    def make(settings: Settings) -> str:
        return sign(claims(SUBJECT, **overrides), service_key(settings), algorithm)

    return make


REJECTED_TOKENS: dict[str, TokenMaker] = {
    "not a jwt": lambda settings: "not-a-jwt",
    "empty segments": lambda settings: "..",
    "expired": lambda settings: expired(settings, SUBJECT),
    "signed with another secret": lambda settings: other_key(SUBJECT),
    "payload tampered with": lambda settings: tampered(settings, SUBJECT + 1, genuine_for=SUBJECT),
    "alg none": lambda settings: unsigned(SUBJECT),
    "alg HS384": with_claims("HS384"),
    "alg HS512": with_claims("HS512"),
    "no sub": with_claims(sub=None),
    "no iat": with_claims(iat=None),
    "no exp": with_claims(exp=None),
    "sub a number, not a string": with_claims(sub=1),
    "sub not numeric": with_claims(sub="alice"),
    "sub negative": with_claims(sub="-1"),
    "sub a decimal": with_claims(sub="1.5"),
    "sub empty": with_claims(sub=""),
    "sub non-ascii digits": with_claims(sub="\u0661\u0662"),
    "sub beyond a 64-bit id": with_claims(sub=str(2**63)),
}
"""Tokens decoding must refuse, whoever they name (tests/unit/test_security.py, test_api_auth)."""
