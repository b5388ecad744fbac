"""Tokens an actor may hold, from a genuine one to every kind the service must refuse.

Only the wording's kinds and presentations map onto recipes here; the tokens are forged by
tests/support/tokens.py, the same module the unit tests and the JWT attack catalogue use.
"""

from collections.abc import Callable

from app.config import Settings
from app.models import User
from step_defs.support.api import MISSING_ID
from step_defs.support.types import Presentation, TokenKind
from tests.support import tokens

Recipe = Callable[[Settings, int], str]

RECIPES: dict[TokenKind, Recipe] = {
    TokenKind.VALID: tokens.genuine,
    TokenKind.ABOUT_TO_EXPIRE: tokens.about_to_expire,
    TokenKind.EXPIRED: tokens.expired,
    TokenKind.MALFORMED: lambda settings, subject: "this-is-not-a-token",
    TokenKind.FORGED: lambda settings, subject: tokens.other_key(subject),
    TokenKind.UNSIGNED: lambda settings, subject: tokens.unsigned(subject),
    TokenKind.WITHOUT_EXPIRY: lambda settings, subject: tokens.signed(settings, subject, exp=None),
    TokenKind.FOR_UNKNOWN_ACCOUNT: lambda settings, subject: tokens.genuine(settings, MISSING_ID),
    TokenKind.OTHER_ALGORITHM: tokens.other_algorithm,
    # Someone else's genuine token, its payload rewritten to name this user.
    TokenKind.TAMPERED: lambda settings, subject: tokens.tampered(
        settings, subject, genuine_for=MISSING_ID
    ),
    TokenKind.WITHOUT_SUBJECT: lambda settings, subject: tokens.signed(settings, None),
}


def make_token(kind: TokenKind, user: User, settings: Settings) -> str:
    return RECIPES[kind](settings, user.id)


PRESENTATIONS: dict[Presentation, Callable[[str, str], str]] = {
    Presentation.NO_SCHEME: lambda token, username: token,
    Presentation.OTHER_SCHEME: lambda token, username: f"Token {token}",
    Presentation.PASSWORD_INSTEAD: lambda token, username: tokens.basic(username, "a-password"),
    Presentation.EMPTY_BEARER: lambda token, username: "Bearer",
    Presentation.TRAILING_WORDS: lambda token, username: f"{tokens.bearer(token)} and more",
}


def authorization(presentation: Presentation, token: str, username: str) -> str:
    """The Authorization header of a caller who sends `token` the wrong way."""
    return PRESENTATIONS[presentation](token, username)
