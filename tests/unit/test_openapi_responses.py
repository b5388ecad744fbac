"""The error answers each operation publishes in the OpenAPI schema (app/routers/responses.py).

Clients and schemathesis read these to know which statuses, bodies and headers are part of the
contract. The routes call `errors()` once, at import; these tests call it themselves, so a change
to what it publishes fails here and not only in whichever test happens to read the schema.
"""

from fastapi import FastAPI

from app.routers.responses import ErrorDetail, _header, errors

STRING = {"type": "string"}


def test_each_error_is_documented_with_its_body_and_description() -> None:
    assert errors(403, 404) == {
        403: {"model": ErrorDetail, "description": "Signed in, but not allowed to do this"},
        404: {"model": ErrorDetail, "description": "No such resource"},
    }


def test_headers_a_client_must_read_are_documented_as_required_strings() -> None:
    documented = errors(401, 429, 503)

    assert documented[401]["headers"] == {
        "WWW-Authenticate": {"description": "Always `Bearer`", "required": True, "schema": STRING}
    }
    retry_after = {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "required": True,
            "schema": STRING,
        }
    }
    assert documented[429]["headers"] == retry_after
    assert documented[503]["headers"] == retry_after


def test_a_documented_header_is_a_required_string() -> None:
    # The headers above are built once, at import; here the builder runs under the test.
    assert _header("Why") == {"description": "Why", "required": True, "schema": STRING}


def test_the_published_schema_carries_the_errors_with_their_headers(app: FastAPI) -> None:
    login = app.openapi()["paths"]["/token"]["post"]["responses"]

    assert login["429"]["headers"]["Retry-After"]["required"] is True
    assert login["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorDetail"
    }
    # What any request can meet, on every operation: a body over the limit, the database down.
    assert {"413", "503"} <= login.keys()
