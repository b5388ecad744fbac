"""Answers the app gives before a route runs (app/http_errors.py): 405, 415 and 422 bodies."""

import pytest
from fastapi.testclient import TestClient

from app.http_errors import body_sent_as_wrong_media_type, is_json_media_type


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/items/", "GET, POST"),
        ("DELETE", "/items/", "GET, POST"),
        ("PUT", "/items/1", "GET, PATCH, DELETE"),
        ("POST", "/users/me/", "GET"),
        ("GET", "/token", "POST"),
    ],
)
def test_405_lists_every_method_the_resource_supports(
    client: TestClient, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path)

    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.json() == {"detail": "Method Not Allowed"}


def test_an_unknown_path_is_still_a_plain_404(client: TestClient) -> None:
    response = client.get("/no-such-thing")
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_a_validation_error_never_echoes_what_was_sent(client: TestClient) -> None:
    secret = "my-very-own-password"
    body = {"email": "not-an-email", "username": "x", "password": secret}

    response = client.post("/users/", json=body)

    assert response.status_code == 422
    assert secret not in response.text
    assert all(set(error) <= {"type", "loc", "msg", "ctx"} for error in response.json()["detail"])


@pytest.mark.parametrize(
    ("content_type", "is_json"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("application/merge-patch+json", True),
        ("APPLICATION/JSON", True),
        ("text/json", False),
        ("application/jsonx", False),
        ("text/plain", False),
        ("", False),
        (None, False),
    ],
)
def test_which_content_types_count_as_json(content_type: str | None, is_json: bool) -> None:
    assert is_json_media_type(content_type) is is_json


@pytest.mark.parametrize(
    ("errors", "wrong_media_type"),
    [
        pytest.param([{"loc": ("body",), "msg": "not a dict"}], True, id="whole body refused"),
        pytest.param([{"loc": ("body", "name"), "msg": "missing"}], False, id="one field"),
        pytest.param([{"loc": ("query", "limit"), "msg": "too big"}], False, id="query"),
        pytest.param([{"msg": "no location"}], False, id="no location"),
    ],
)
def test_only_a_refusal_of_the_whole_body_can_mean_the_wrong_media_type(
    errors: list[dict[str, object]], wrong_media_type: bool
) -> None:
    assert body_sent_as_wrong_media_type("text/plain", errors) is wrong_media_type
    assert body_sent_as_wrong_media_type("application/json", errors) is False
