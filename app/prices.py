"""How a price may be written in a request, and the schema that tells clients so.

A price is a JSON number or a string of digits with at most two decimals ("12.50"), more than
0 and at most 1,000,000. The published schema states exactly that, range included, so a client
(or a fuzzer) reading it knows precisely which prices are accepted.
"""

import re
from typing import Any

MAX_PRICE = 1_000_000

# The notation: no sign, exponent, spaces or leading zeros. The range is checked separately so
# that "0" is refused as "not greater than 0" rather than as badly written.
_NOTATION = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?")

# The notation and the range in one pattern, for the schema: 0.01 to 999999.99, or 1000000.
PUBLISHED_PATTERN = (
    r"^(?:[1-9][0-9]{0,5}(?:\.[0-9]{1,2})?|0\.(?:0[1-9]|[1-9][0-9]?)|1000000(?:\.00?)?)$"
)

PRICE_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_PRICE, "multipleOf": 0.01},
        {"type": "string", "pattern": PUBLISHED_PATTERN},
    ],
    "title": "Price",
    "examples": ["12.50"],
}


def check_price_notation(value: Any) -> Any:
    if isinstance(value, str) and not _NOTATION.fullmatch(value):
        raise ValueError("must be written like 12.50: digits, then at most two decimals")
    return value
