"""Typed step arguments: each parse type turns a phrase of a feature into the value a step needs.

Steps are declared with `step_text(...)`, so `{price:Money}` arrives as a Decimal, `{role:Role}`
as a Role, and so on; no step re-parses a string. Patterns are anchored alternatives, which also
keeps any two step texts from matching the same sentence.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from parse import with_pattern
from pytest_bdd import parsers

from app.models import Role


def _alternatives(phrases: list[str]) -> str:
    # Longest first, so a phrase that extends another is tried before it.
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _enum_type(enum: type[Enum]) -> Callable[[str], Any]:
    @with_pattern(_alternatives([str(member.value) for member in enum]))
    def convert(text: str) -> Enum:
        return enum(text)

    return convert


@with_pattern(r"[A-Z][a-z]+")
def actor(text: str) -> str:
    """A named person: Alice, Bob, Olivia..."""
    return text


@with_pattern(r"[A-Z][a-z]+|an anonymous caller")
def caller(text: str) -> str | None:
    """A named person, or None for someone who presents no token at all."""
    return None if text == "an anonymous caller" else text


@with_pattern(r"[A-Z][a-z]+|herself|himself|themselves")
def subject(text: str) -> str | None:
    """Whom an action is about; None means the actor themselves."""
    return None if text in {"herself", "himself", "themselves"} else text


@with_pattern(r"a member|another member|an admin")
def role(text: str) -> Role:
    return Role.ADMIN if text == "an admin" else Role.MEMBER


@with_pattern(r"-?\d+(?:\.\d+)?")
def money(text: str) -> Decimal:
    return Decimal(text)


@with_pattern(r"for -?\d+(?:\.\d+)?|without a price")
def price_term(text: str) -> Decimal | None:
    """`for 12.50` is a price; `without a price` is an offer that leaves it out."""
    return None if text == "without a price" else Decimal(text.removeprefix("for "))


FILLER = "Hand-carved walnut desk organiser with three drawers and a brass handle. "


@with_pattern(r"empty|only spaces|\d+ characters long")
def shaped_text(text: str) -> str:
    """Text whose content does not matter, only its shape: empty, blank, or an exact length."""
    if text == "empty":
        return ""
    if text == "only spaces":
        return "     "
    length = int(text.split()[0])
    if length == 0:
        return ""
    # Ends on a visible character, so trimming cannot shorten it below the length asked for.
    return (FILLER * (length // len(FILLER) + 1))[: length - 1] + "."


@with_pattern(r'[^"]*')
def quoted(text: str) -> str:
    """The inside of a double-quoted value; it may be empty or only spaces."""
    return text


@with_pattern(r"an?")
def article(text: str) -> str:
    return text


@with_pattern(r"he|she|they")
def pronoun(text: str) -> str:
    return text


@with_pattern(r"herself|himself|themselves")
def reflexive(text: str) -> str:
    return text


@with_pattern(r"her|his|their")
def possessive(text: str) -> str:
    return text


@with_pattern(r"can now|can no longer|can|cannot")
def can(text: str) -> bool:
    return text in {"can", "can now"}


ITEM_FIELDS = {"name": "name", "price": "price", "description": "description"}
REGISTRATION_FIELDS = {
    "username": "username",
    "email address": "email",
    "password": "password",
    "full name": "full_name",
}


@with_pattern(_alternatives(list(ITEM_FIELDS)))
def item_field(text: str) -> str:
    """An item attribute as a member says it, converted to the name the service reports."""
    return ITEM_FIELDS[text]


@with_pattern(_alternatives(list(REGISTRATION_FIELDS)))
def registration_field(text: str) -> str:
    return REGISTRATION_FIELDS[text]


@with_pattern(r"never asked|asked once|asked twice")
def catalog_calls(text: str) -> int:
    return {"never asked": 0, "asked once": 1, "asked twice": 2}[text]


class Capability(Enum):
    """Something a caller may try; what each one does is in support/capabilities.py."""

    BROWSE_ITEMS = "browse the items"
    READ_ITEM = "read an item"
    OFFER_ITEM = "offer an item"
    CHANGE_OWN_ITEM = "change their own item"
    REMOVE_OWN_ITEM = "remove their own item"
    CHANGE_OTHERS_ITEM = "change someone else's item"
    REMOVE_OTHERS_ITEM = "remove someone else's item"
    REGISTER = "register an account"
    LOOK_SELF_UP = "look themselves up"
    LOOK_UP_MEMBER = "look up another member"
    LIST_ACCOUNTS = "list every account"
    PROMOTE_MEMBER = "make a member an admin"
    DEACTIVATE_MEMBER = "deactivate a member"
    LOOK_UP_CATALOG_ITEM = "look up an item in the catalog"
    CHECK_HEALTH = "check that the service is up"


class TokenKind(Enum):
    """A token an actor may hold; support/tokens.py makes each one."""

    VALID = "valid"
    ABOUT_TO_EXPIRE = "about to expire"
    MALFORMED = "malformed"
    EXPIRED = "expired a minute ago"
    FORGED = "forged with another key"
    UNSIGNED = "unsigned"
    WITHOUT_EXPIRY = "missing its expiry"
    FOR_UNKNOWN_ACCOUNT = "issued for an account that no longer exists"
    OTHER_ALGORITHM = "signed with an algorithm the service does not use"
    TAMPERED = "altered after it was signed"
    WITHOUT_SUBJECT = "missing its subject"


class Presentation(Enum):
    """A way of sending a token other than `Authorization: Bearer <token>`; see tokens.py."""

    NO_SCHEME = "without saying it is a bearer token"
    OTHER_SCHEME = "under another scheme than bearer"
    PASSWORD_INSTEAD = "as a username and password instead"
    EMPTY_BEARER = "as a bearer header with the token left out"
    TRAILING_WORDS = "with extra words after the token"


class CatalogServerBehaviour(Enum):
    """How the real catalog server on loopback misbehaves (tests/support/fakes/catalog.py modes)."""

    SLOW = "answers too slowly"
    HANGS_MID_BODY = "stalls halfway through its answer"
    TRICKLES = "trickles its answer out byte by byte"
    RESETS = "drops the connection"
    NOT_RUNNING = "is not running"
    INTERNAL_ERROR = "fails with an internal error"
    UNAVAILABLE = "says it is unavailable"
    NOT_DATA = "answers with something that is not data"
    UNKNOWN_ITEM = "does not know the item"


class CatalogAnswer(Enum):
    """An answer from the catalog that is not an item; support/catalog.py builds each one."""

    WEB_PAGE = "a web page instead of data"
    LIST = "a list instead of a single item"
    CUT_OFF = "a cut-off answer"
    EMPTY = "an empty answer"


class SmuggledRequest(Enum):
    """Something a registration asks for beyond an account, and the field it would need."""

    ADMIN = "to be an admin"
    ACCOUNT_NUMBER = "to choose her account number"
    ACTIVE = "to be marked active"

    @property
    def extra_fields(self) -> dict[str, object]:
        fields: dict[SmuggledRequest, dict[str, object]] = {
            SmuggledRequest.ADMIN: {"role": "admin"},
            SmuggledRequest.ACCOUNT_NUMBER: {"id": 1},
            SmuggledRequest.ACTIVE: {"is_active": True},
        }
        return fields[self]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a caller should be told: a verdict and the status that carries it."""

    verdict: str
    status: int


@with_pattern(r"(?:allowed|refused|asked to sign in) \(\d{3}\)")
def outcome(text: str) -> Outcome:
    verdict, _, status = text.rpartition(" (")
    return Outcome(verdict=verdict, status=int(status.rstrip(")")))


TYPES: dict[str, Callable[[str], Any]] = {
    "Actor": actor,
    "Caller": caller,
    "Subject": subject,
    "Role": role,
    "Money": money,
    "PriceTerm": price_term,
    "Shape": shaped_text,
    "Quoted": quoted,
    "Article": article,
    "Pronoun": pronoun,
    "Reflexive": reflexive,
    "Possessive": possessive,
    "Can": can,
    "ItemField": item_field,
    "RegistrationField": registration_field,
    "CatalogCalls": catalog_calls,
    "Capability": _enum_type(Capability),
    "TokenKind": _enum_type(TokenKind),
    "Presentation": _enum_type(Presentation),
    "CatalogServerBehaviour": _enum_type(CatalogServerBehaviour),
    "CatalogAnswer": _enum_type(CatalogAnswer),
    "SmuggledRequest": _enum_type(SmuggledRequest),
    "Outcome": outcome,
}


def step_text(text: str) -> parsers.parse:
    """A step pattern that knows every type above."""
    return parsers.parse(text, extra_types=TYPES)
