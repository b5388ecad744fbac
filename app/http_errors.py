"""Answers for requests the routes never see: malformed bodies and a failing database."""

import logging
from collections.abc import Sequence
from email.message import Message
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match

from app.errors import DATABASE_RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

UNSUPPORTED_MEDIA_TYPE = "The request body must be JSON, sent with Content-Type: application/json"
NESTED_TOO_DEEPLY = "The JSON body is nested too deeply"
NOT_UTF8 = "The request body is not valid UTF-8"
DATABASE_UNAVAILABLE = "Database unavailable, try again later"

# What a client needs to fix its request. The submitted value ("input") is left out: echoing a
# body back would repeat its password in the answer, and in every log that records answers.
PUBLIC_ERROR_KEYS = ("type", "loc", "msg", "ctx")


def public_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {key: error[key] for key in PUBLIC_ERROR_KEYS if key in error}
        for error in jsonable_encoder(errors)
    ]


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    message = Message()
    # Equivalent mutants: header names are case-insensitive in an email Message too.
    message["content-type"] = content_type  # pragma: no mutate
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def body_sent_as_wrong_media_type(content_type: str | None, errors: Sequence[Any]) -> bool:
    """A JSON body route got something else: FastAPI then validates raw bytes as the model."""
    whole_body_rejected = any(tuple(error.get("loc", ())) == ("body",) for error in errors)
    return whole_body_rejected and not is_json_media_type(content_type)


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    # Equivalent mutants: header names are case-insensitive.
    content_type = request.headers.get("content-type")  # pragma: no mutate
    if body_sent_as_wrong_media_type(content_type, errors):
        return JSONResponse({"detail": UNSUPPORTED_MEDIA_TYPE}, status_code=415)
    return JSONResponse({"detail": public_errors(errors)}, status_code=422)


async def http_error_handler(request: Request, exc: HTTPException) -> Response:
    # FastAPI reports any body it fails to parse as "There was an error parsing the body"; the
    # two a client can actually cause deserve their reason.
    if isinstance(exc.__cause__, RecursionError):
        # The body limit still lets through JSON nested ~30,000 deep.
        return JSONResponse({"detail": NESTED_TOO_DEEPLY}, status_code=400)
    if isinstance(exc.__cause__, UnicodeDecodeError):
        return JSONResponse({"detail": NOT_UTF8}, status_code=400)
    if exc.status_code == 405:
        # Routing reports only the methods of the first route that matched the path; RFC 9110
        # wants every method the resource supports (GET and POST /items/ are two routes).
        allowed = ", ".join(allowed_methods(request))
        exc = HTTPException(
            405,
            # Equivalent mutants: routing's detail is the standard phrase, also the default.
            exc.detail,  # pragma: no mutate
            headers={
                # Equivalent mutant (`and`): routing's 405 always has headers, and only Allow.
                **(exc.headers or {}),  # pragma: no mutate
                "Allow": allowed,
            },
        )
    # Equivalent mutant (request as None): FastAPI's handler never reads the request.
    return await http_exception_handler(request, exc)  # pragma: no mutate


PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """The methods some route would accept for this request's path."""
    routes = request.app.router.routes
    return [
        method
        for method in PROBED_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


async def database_error_handler(_request: Request, exc: SQLAlchemyError) -> JSONResponse:
    """The database failed, refused or did not answer in time: try again later, never a 500.

    Registered for whatever the driver reports (unreachable, timed out, locked, a file that is
    not a database, a table missing or not readable: DBAPIError and its subclasses) and for the
    pool's timeout (every connection busy). The request's session is closed, and its
    transaction rolled back, by get_db on the way out.
    """
    logger.error("database unavailable: %r", getattr(exc, "orig", None) or exc)
    return JSONResponse(
        {"detail": DATABASE_UNAVAILABLE},
        status_code=503,
        # Equivalent mutants: header names are case-insensitive.
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},  # pragma: no mutate
    )
