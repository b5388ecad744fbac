"""The vocabulary of the steps: each {placeholder} of a step's wording, and the value it becomes.

Steps are declared with `step_text(...)`, a Cucumber Expression over this vocabulary
(pytest_bdd_livingdoc.expressions): `{price}` arrives as a Decimal, `{role}` as a Role, and so on;
no step re-parses a string. `a/an`, `he/she/they` and the like are Cucumber's alternative text,
`(s)` optional text. Each placeholder says what it stands for: `make steps` lists them for the
people who write the features. Phrases are closed lists, which also keeps two wordings from
matching the same sentence.
"""

from decimal import Decimal
from enum import Enum

from pytest_bdd_livingdoc.expressions import CucumberExpression, Vocabulary

from app.models import Role

WORDS = Vocabulary()


def step_text(text: str, *names: str) -> CucumberExpression:
    """A step pattern over the vocabulary below; `names` name repeated placeholders in order."""
    return WORDS.expression(text, *names)


# --- people ---------------------------------------------------------------------------------

WORDS.define(
    "actor",
    r"[A-Z][a-z]+",
    description="a person, by first name: Alice is a member, Bob another member, Olivia an admin",
)


def _subject(text: str) -> str | None:
    return None if text in {"herself", "himself", "themselves"} else text


WORDS.define(
    "person",
    r"[A-Z][a-z]+|herself|himself|themselves",
    _subject,
    description="whom an action is about: a person, or the actor herself (himself, themselves)",
)
WORDS.phrases(
    "role",
    {"a member": Role.MEMBER, "another member": Role.MEMBER, "an admin": Role.ADMIN},
    description="what a person may do",
)
WORDS.phrases(
    "can or cannot",
    {"can": True, "can now": True, "cannot": False, "can no longer": False},
    description="whether the person is able to",
)

# --- values ---------------------------------------------------------------------------------

WORDS.define(
    "price",
    r"-?\d+(?:\.\d+)?",
    Decimal,
    description="an amount of money, with a decimal point: 24.99",
)
WORDS.define("number", r"\d+", int, description="a whole number")
WORDS.quoted("item name", description="the name of an item, in double quotes")
WORDS.quoted("written price", description="a price exactly as someone types it, in double quotes")
WORDS.quoted("search text", description="what someone types to look for items, in double quotes")
WORDS.quoted("username", description="a username, in double quotes")
WORDS.quoted("password", description="a password, in double quotes")
WORDS.quoted("email", description="an email address, in double quotes")
WORDS.quoted("full name", description="a person's full name, in double quotes")
WORDS.quoted("item code", description="the supplier's code of an item, in double quotes")

FILLER = "Hand-carved walnut desk organiser with three drawers and a brass handle. "


def _shaped_text(text: str) -> str:
    if text == "empty":
        return ""
    if text == "only spaces":
        return "     "
    if text == "broken over two lines":
        return "Walnut desk\norganiser"
    length = int(text.split()[0])
    if length == 0:
        return ""
    # Ends on a visible character, so trimming cannot shorten it below the length asked for.
    return (FILLER * (length // len(FILLER) + 1))[: length - 1] + "."


WORDS.define(
    "text shape",
    r"empty|only spaces|broken over two lines|\d+ characters long",
    _shaped_text,
    description="text whose content does not matter, only its shape",
    phrases=("empty", "only spaces", "broken over two lines", "N characters long"),
)

ITEM_DETAILS = {"name": "name", "price": "price", "description": "description"}
ACCOUNT_DETAILS = {
    "username": "username",
    "email address": "email",
    "password": "password",
    "full name": "full_name",
}
# The details of an account as the features name them, and as the service answers them.
RECORD_DETAILS = {
    "account number": "id",
    "username": "username",
    "full name": "full_name",
    "email address": "email",
    "role": "role",
    "active": "is_active",
    "joined": "created_at",
}
WORDS.phrases(
    "item detail", ITEM_DETAILS, description="a detail of an item, as the service names it"
)
WORDS.phrases(
    "account detail",
    ACCOUNT_DETAILS,
    description="a detail of a registration, as the service names it",
)


class Capability(Enum):
    """Something a caller may try; what each one does is in support/capabilities.py."""

    BROWSE_ITEMS = "browse the items"
    READ_ITEM = "read an item"
    OFFER_ITEM = "offer an item"
    CHANGE_ITEM = "change someone's item"
    REMOVE_ITEM = "remove someone's item"
    LOOK_SELF_UP = "look themselves up"
    LOOK_UP_MEMBER = "look up a member"
    LIST_ACCOUNTS = "list every account"
    PROMOTE_MEMBER = "make a member an admin"
    DEACTIVATE_MEMBER = "deactivate a member"
    LOOK_UP_CATALOG_ITEM = "look up an item in the catalog"


class CatalogFailure(Enum):
    """How the catalog reports its own failure; support/catalog.py answers each one."""

    INTERNAL_ERROR = "fails with an internal error"
    BAD_GATEWAY = "fails behind its own gateway"
    UNAVAILABLE = "says it is unavailable"


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


WORDS.enum("capability", Capability, description="something a caller may try to do")
WORDS.enum("catalog failure", CatalogFailure, description="how the catalog says it failed")
WORDS.enum(
    "misbehaviour",
    CatalogServerBehaviour,
    description="how a real catalog server misbehaves on the network",
)
WORDS.enum("unusable answer", CatalogAnswer, description="an answer that is not an item")
WORDS.enum(
    "smuggled request",
    SmuggledRequest,
    description="more than an account, asked for in a registration",
)


def _failures(text: str) -> int:
    return 1 if text.startswith("once") else int(text.split()[0])


WORDS.define(
    "failures",
    r"once more|once|\d+ more times|\d+ times",
    _failures,
    description="how many failed attempts",
    phrases=("once", "once more", "N times", "N more times"),
)


def _seconds(text: str) -> float:
    return 60.0 if text == "a minute" else 60.0 * int(text.split()[0])


WORDS.define(
    "time",
    r"a minute|\d+ more minutes|\d+ minutes",
    _seconds,
    description="a while, in minutes",
    phrases=("a minute", "N minutes", "N more minutes"),
)
WORDS.phrases(
    "asked how often",
    {"never asked": 0, "asked once": 1, "asked twice": 2},
    description="how many times the catalog was asked",
)
