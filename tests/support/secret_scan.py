"""OWASP API3 (excessive data exposure): no answer may carry a password or a password hash.

The harness (tests/harness/application.py) hangs `assert_no_secrets` on every test client as an
httpx response hook, so each JSON answer any test receives is scanned, whatever the test itself
asserts.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx2

# Key names that smell of credentials. "token" is deliberately absent: /token must answer one.
SECRET_KEY_NAME = re.compile(r"pass(word|wd)?|pwd|hash|secret|salt", re.IGNORECASE)
# A value that is a password hash, whatever key it hides under (argon2, bcrypt, PBKDF2 styles).
HASH_VALUE = re.compile(r"^\$(argon2(id|i|d)|2[abxy]?|pbkdf2[-_a-z0-9]*)\$")


class SecretExposed(AssertionError):
    pass


def secrets_in(document: Any, path: str = "$") -> Iterator[str]:
    """JSON paths in `document` whose key looks like a credential or whose value is a hash."""
    if isinstance(document, dict):
        for key, value in document.items():
            here = f"{path}.{key}"
            if SECRET_KEY_NAME.search(str(key)):
                yield here
            yield from secrets_in(value, here)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from secrets_in(value, f"{path}[{index}]")
    elif isinstance(document, str) and HASH_VALUE.match(document):
        yield f"{path} (a password hash)"


def assert_no_secrets(response: httpx2.Response) -> None:
    if "json" not in response.headers.get("content-type", ""):
        return
    response.read()
    try:
        document = json.loads(response.content)
    except ValueError:
        return
    found = list(secrets_in(document))
    if found:
        request = response.request
        raise SecretExposed(
            f"{request.method} {request.url.path} answered {response.status_code} with "
            f"credential-like data at {', '.join(found)}: {response.text[:500]}"
        )
