"""Password hashing (argon2id via pwdlib) and access tokens (PyJWT, HS256)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "iat", "exp")
MAX_USER_ID = 2**63 - 1
VERSION_CLAIM = "ver"
# The column is a 32-bit INTEGER; a larger number can match no account.
MAX_TOKEN_VERSION = 2**31 - 1


class PasswordHasher:
    """argon2id with parameters from settings, plus a dummy hash to keep failed logins slow."""

    def __init__(self, *, time_cost: int, memory_cost_kib: int, parallelism: int) -> None:
        self.argon2 = Argon2Hasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
        )
        self._hash = PasswordHash((self.argon2,))

    @cached_property
    def _dummy_hash(self) -> str:
        # Lazy, so building an app (importing app.main builds one) costs no production hash;
        # the app's start-up computes it through warm_up().
        return self._hash.hash("dummy password, never matches a real one")

    def warm_up(self) -> None:
        """Compute the dummy hash now, so the first unknown username costs what later ones do."""
        _ = self._dummy_hash

    @classmethod
    def from_settings(cls, settings: Settings) -> "PasswordHasher":
        return cls(
            time_cost=settings.argon2_time_cost,
            memory_cost_kib=settings.argon2_memory_cost_kib,
            parallelism=settings.argon2_parallelism,
        )

    def hash(self, password: str) -> str:
        return self._hash.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        return self._hash.verify(password, hashed)

    def burn_time(self, password: str) -> None:
        """Spend what a real verification costs, so unknown users cannot be told apart by timing."""
        self._hash.verify(password, self._dummy_hash)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int


def create_access_token(
    user_id: int, settings: Settings, *, version: int = 0, now: datetime | None = None
) -> IssuedToken:
    """A token for `user_id`, issued at `version` of the account's tokens (models.User)."""
    issued_at = now or datetime.now(UTC)
    lifetime = timedelta(minutes=settings.access_token_expire_minutes)
    claims: dict[str, object] = {
        "sub": str(user_id),
        "iat": issued_at,
        "exp": issued_at + lifetime,
    }
    if version:
        # Left out at 0, the version of every account never deactivated, which tokens issued
        # before versions existed stand for too.
        claims[VERSION_CLAIM] = version
    token = jwt.encode(
        claims,
        settings.secret_key.get_secret_value(),
        # Equivalent mutant (the argument left out): HS256 is PyJWT's default too.
        algorithm=ALGORITHM,  # pragma: no mutate
    )
    return IssuedToken(access_token=token, expires_in=int(lifetime.total_seconds()))


class InvalidTokenError(Exception):
    """The token is malformed, forged, expired or lacks a required claim."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    version: int


def decode_access_token(token: str, settings: Settings) -> AccessClaims:
    """Return whom and at which version the token was issued for, or raise InvalidTokenError."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.PyJWTError as exc:
        raise InvalidTokenError(str(exc)) from exc
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject.isascii() or not subject.isdigit():
        raise InvalidTokenError("subject is not a user id")
    user_id = int(subject)
    # Beyond a 64-bit key the database driver raises instead of finding no row.
    if user_id > MAX_USER_ID:
        raise InvalidTokenError("subject is not a user id")
    version = claims.get(VERSION_CLAIM, 0)
    # bool is an int to Python, not a version.
    if type(version) is not int or not 0 <= version <= MAX_TOKEN_VERSION:
        raise InvalidTokenError("version is not a whole number")
    return AccessClaims(user_id=user_id, version=version)
