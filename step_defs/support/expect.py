"""Checks that explain themselves: every failure shows the expectation, the call and the answer."""

from typing import Any

from httpx2 import Response


def describe(response: Response) -> str:
    request = response.request
    return (
        f"the call: {request.method} {request.url.path}"
        f"{'?' + request.url.query.decode() if request.url.query else ''}\n"
        f"the answer: {response.status_code} {response.text[:2000]}"
    )


def expect_status(response: Response, status: int, expectation: str) -> None:
    assert response.status_code == status, (
        f"{expectation}: expected status {status}, got {response.status_code}\n{describe(response)}"
    )


def body_of(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise AssertionError(f"the answer is not JSON\n{describe(response)}") from None


def expect_answer(response: Response, status: int, expectation: str) -> Any:
    """The status is the one expected; return the decoded body."""
    expect_status(response, status, expectation)
    return body_of(response)


def expect_detail(response: Response, status: int, detail: str, expectation: str) -> None:
    body = expect_answer(response, status, expectation)
    assert body.get("detail") == detail, (
        f"{expectation}: expected the message {detail!r}, got {body.get('detail')!r}\n"
        f"{describe(response)}"
    )


def invalid_fields(response: Response) -> set[str]:
    """The request fields a 422 answer complains about.

    A location reads ("body", field, ...) or ("query", name, ...); what follows the field names
    the validator that failed, which is the service's business, not the scenario's.
    """
    return {str(error["loc"][1]) for error in body_of(response)["detail"]}


def expect_refused_because_of(response: Response, field: str, expectation: str) -> None:
    """422, and about `field` alone: any other complaint means the scenario's data is off."""
    expect_status(response, 422, expectation)
    complaints = invalid_fields(response)
    assert complaints == {field}, (
        f"{expectation}: expected a complaint about {field!r} only, got {sorted(complaints)}\n"
        f"{describe(response)}"
    )


def expect_same(actual: object, expected: object, expectation: str, response: Response) -> None:
    assert actual == expected, (
        f"{expectation}:\n  expected {expected!r}\n  actual   {actual!r}\n{describe(response)}"
    )
