"""The error answers each operation can give, published in the OpenAPI schema.

Every error body is `{"detail": ...}` (422 keeps FastAPI's list of field errors). Clients and
schemathesis read these to know which statuses are part of the contract; an undocumented status
is a bug in the schema or in the app.
"""

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    detail: str


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "required": True, "schema": {"type": "string"}}


_WWW_AUTHENTICATE = {"WWW-Authenticate": _header("Always `Bearer`")}
_RETRY_AFTER = {"Retry-After": _header("Seconds to wait before trying again")}

_DESCRIPTIONS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("The body could not be parsed: not UTF-8, or JSON nested too deeply", {}),
    401: ("Missing, malformed, forged or expired bearer token", _WWW_AUTHENTICATE),
    403: ("Signed in, but not allowed to do this", {}),
    404: ("No such resource", {}),
    409: ("Conflicts with data already there", {}),
    413: ("The request body is larger than the service accepts", {}),
    415: ("The request body is not JSON", {}),
    429: ("Too many failed logins for this username", _RETRY_AFTER),
    502: (
        "The external catalog failed, or its answer was unusable: not a JSON object, not"
        " standard JSON, larger than the service accepts, or nested too deeply",
        {},
    ),
    503: ("A service this one depends on is unavailable", _RETRY_AFTER),
    504: ("The external catalog did not answer in time", {}),
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses."""
    documented: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        description, headers = _DESCRIPTIONS[code]
        documented[code] = {"model": ErrorDetail, "description": description}
        if headers:
            documented[code]["headers"] = headers
    return documented


# What any request can meet, whatever the route: a body over the limit, or the database down.
EVERY_OPERATION = errors(413, 503)
