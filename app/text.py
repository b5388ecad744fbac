"""Rules for free text people type: names, descriptions, search terms.

Control characters are refused, not stripped: NUL cannot be stored in a PostgreSQL text column
(the driver raises, which would surface as a 500) and the others are invisible in every client
that shows a name. Lone surrogates never get this far: pydantic refuses a string that is not
valid Unicode. Names are normalised to NFC so "Café" typed two ways is one name, not two.
"""

import unicodedata

import email_validator

# The patterns are published in the OpenAPI schema too, so clients and fuzzers see the rule.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f-\x9f]*$"
# The spaces a name may start or end with, and loses there: Unicode's White_Space characters
# that are not control characters (Python's str.strip and pydantic's agree on these).
_SPACES = r"\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A name: no control characters, and at least one character that is not a space. Checked on
# the name as sent, as the schema publishes it; surrounding spaces are then stripped.
NAME = (
    r"^[^\x00-\x1f\x7f-\x9f]*"
    rf"[^\x00-\x1f\x7f-\x9f{_SPACES}]"
    r"[^\x00-\x1f\x7f-\x9f]*$"
)
# Descriptions may hold tabs and line breaks.
NO_CONTROL_CHARACTERS_BUT_LINE_BREAKS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


def to_nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


# email-validator refuses addresses at special-use domains (RFC 6761: .test, .local, ...), which
# "format: email" alone would allow; the schema says so too, so no client is surprised.
EMAIL_NOT_AT_SPECIAL_USE_DOMAIN = (
    r"^(?!.*\.(?:"
    + "|".join(_any_case(name) for name in email_validator.SPECIAL_USE_DOMAIN_NAMES)
    + r")$)"
)
