"""The JWT attack catalogue: each entry builds what an attacker would send for a victim.

Shared by tests/test_jwt_attacks.py and the `auth_roles.feature` outline, so the unit tests and
the specification name the same attacks and build them the same way. Every token but the
first few is a real, correctly signed token that is wrong in exactly one respect.
"""

import base64
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import User
from app.security import ALGORITHM, create_access_token

FOREIGN_SECRET = "a-different-secret-key-that-is-long-enough-0123"

AuthorizationFor = Callable[[Settings, User], str]
Preparation = Callable[[Session, User], None]


def _claims(victim: User, **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": str(victim.id), "iat": now, "exp": now + timedelta(minutes=5)}
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _sign(claims: dict[str, Any], key: str, algorithm: str = ALGORITHM) -> str:
    with warnings.catch_warnings():
        # A forger's HS512 with a 46-byte key is exactly the token under test.
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(claims, key, algorithm=algorithm)


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _secret(settings: Settings) -> str:
    return settings.secret_key.get_secret_value()


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def alg_none(settings: Settings, victim: User) -> str:
    # Built by hand: PyJWT would also sign "none", but an attacker need not use PyJWT.
    header = _segment({"alg": "none", "typ": "JWT"})
    payload = _segment({"sub": str(victim.id), "iat": 1, "exp": 4_102_444_800})
    return _bearer(f"{header}.{payload}.")


def other_algorithm(settings: Settings, victim: User) -> str:
    return _bearer(_sign(_claims(victim), _secret(settings), algorithm="HS512"))


def tampered_payload(settings: Settings, victim: User) -> str:
    # A genuine token for someone else, its subject rewritten to the victim's id.
    genuine = create_access_token(victim.id + 1_000, settings).access_token
    header, _payload, signature = genuine.split(".")
    payload = _segment({"sub": str(victim.id), "iat": 1, "exp": 4_102_444_800})
    return _bearer(f"{header}.{payload}.{signature}")


def other_key(settings: Settings, victim: User) -> str:
    return _bearer(_sign(_claims(victim), FOREIGN_SECRET))


def expired(settings: Settings, victim: User) -> str:
    issued = datetime.now(UTC) - timedelta(minutes=settings.access_token_expire_minutes, seconds=1)
    return _bearer(create_access_token(victim.id, settings, now=issued).access_token)


def missing_exp(settings: Settings, victim: User) -> str:
    return _bearer(_sign(_claims(victim, exp=None), _secret(settings)))


def missing_sub(settings: Settings, victim: User) -> str:
    return _bearer(_sign(_claims(victim, sub=None), _secret(settings)))


def genuine(settings: Settings, victim: User) -> str:
    return _bearer(create_access_token(victim.id, settings).access_token)


def delete_user(db: Session, victim: User) -> None:
    db.delete(victim)
    db.commit()


def deactivate_user(db: Session, victim: User) -> None:
    victim.is_active = False
    db.commit()


def _leave_alone(db: Session, victim: User) -> None:
    return None


@dataclass(frozen=True)
class Attack:
    name: str
    authorization: AuthorizationFor
    # What happens to the victim's account after the token was issued, if anything.
    prepare: Preparation = field(default=_leave_alone)


def _header(value: str) -> AuthorizationFor:
    return lambda settings, victim: value


ATTACKS: tuple[Attack, ...] = (
    Attack("alg none", alg_none),
    Attack("an algorithm other than HS256", other_algorithm),
    Attack("a tampered payload", tampered_payload),
    Attack("signed with another key", other_key),
    Attack("expired", expired),
    Attack("no expiry", missing_exp),
    Attack("no subject", missing_sub),
    Attack("the subject is a deleted user", genuine, delete_user),
    Attack("the user is deactivated", genuine, deactivate_user),
    Attack(
        "a Basic header instead of Bearer",
        lambda settings, victim: "Basic " + base64.b64encode(b"olivia:secret").decode(),
    ),
    Attack(
        "a token without the Bearer scheme",
        lambda settings, victim: create_access_token(victim.id, settings).access_token,
    ),
    Attack(
        "another scheme carrying the token",
        lambda settings, victim: "Token " + create_access_token(victim.id, settings).access_token,
    ),
    Attack("Bearer without a token", _header("Bearer")),
    Attack("Bearer and a blank token", _header("Bearer    ")),
    Attack(
        "a token followed by junk",
        lambda settings, victim: genuine(settings, victim) + " junk",
    ),
)

BY_NAME = {attack.name: attack for attack in ATTACKS}
