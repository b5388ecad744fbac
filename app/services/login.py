"""Logging in: credentials checked behind the per-username brute-force throttle."""

from sqlalchemy.orm import Session

from app.errors import AuthenticationError
from app.models import User
from app.security import PasswordHasher
from app.services.throttle import LoginThrottle
from app.services.users import authenticate

# Real usernames are at most 32 characters; a longer one can never log in, and cutting the key
# keeps an attacker's megabyte-long usernames from costing the throttle a megabyte each.
THROTTLE_KEY_LENGTH = 64


def log_in(
    db: Session, username: str, password: str, hasher: PasswordHasher, throttle: LoginThrottle
) -> User:
    """The user these credentials belong to. The attempt takes its place in the throttle before
    the password is checked, so a burst cannot get more checks than the limit."""
    reservation = throttle.reserve(username[:THROTTLE_KEY_LENGTH])
    try:
        user = authenticate(db, username, password, hasher)
    except AuthenticationError:
        throttle.record_failure(reservation)
        raise
    except BaseException:
        # Nothing was decided (the database failed, the request was cancelled): no failure.
        throttle.release(reservation)
        raise
    throttle.record_success(reservation)
    return user
