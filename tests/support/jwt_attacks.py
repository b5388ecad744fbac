"""The JWT attack catalogue: each entry builds what an attacker would send for a victim.

Each attack is sent to every protected operation by tests/api/test_jwt_attacks.py. The tokens are
forged in tests/support/tokens.py, the one place the suite builds tokens, which the acceptance
steps use too.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from app.config import Settings
from app.models import User
from tests.support import tokens

AuthorizationFor = Callable[[Settings, User], str]
Preparation = Callable[[Session, User], None]


def genuine(settings: Settings, victim: User) -> str:
    return tokens.bearer(tokens.genuine(settings, victim.id))


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
    Attack("alg none", lambda settings, victim: tokens.bearer(tokens.unsigned(victim.id))),
    Attack(
        "an algorithm other than HS256",
        lambda settings, victim: tokens.bearer(tokens.other_algorithm(settings, victim.id)),
    ),
    Attack(
        "a tampered payload",
        lambda settings, victim: tokens.bearer(
            tokens.tampered(settings, victim.id, genuine_for=victim.id + 1_000)
        ),
    ),
    Attack(
        "signed with another key",
        lambda settings, victim: tokens.bearer(tokens.other_key(victim.id)),
    ),
    Attack(
        "expired",
        # A second past its end: the boundary, where an off-by-one would let it through.
        lambda settings, victim: tokens.bearer(
            tokens.expired(settings, victim.id, ago=timedelta(seconds=1))
        ),
    ),
    Attack(
        "no expiry",
        lambda settings, victim: tokens.bearer(tokens.signed(settings, victim.id, exp=None)),
    ),
    Attack(
        "no subject",
        lambda settings, victim: tokens.bearer(tokens.signed(settings, None)),
    ),
    Attack("the subject is a deleted user", genuine, delete_user),
    Attack("the user is deactivated", genuine, deactivate_user),
    Attack("a Basic header instead of Bearer", _header(tokens.basic("olivia", "secret"))),
    Attack(
        "a token without the Bearer scheme",
        lambda settings, victim: tokens.genuine(settings, victim.id),
    ),
    Attack(
        "another scheme carrying the token",
        lambda settings, victim: "Token " + tokens.genuine(settings, victim.id),
    ),
    Attack("Bearer without a token", _header("Bearer")),
    Attack("Bearer and a blank token", _header("Bearer    ")),
    Attack(
        "a token followed by junk", lambda settings, victim: genuine(settings, victim) + " junk"
    ),
)
