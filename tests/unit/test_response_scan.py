"""The response scanner (tests/support/secret_scan.py): it watches every answer the suite gets."""

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.secret_scan import SecretExposed, assert_no_secrets, secrets_in


@pytest.mark.parametrize(
    ("document", "found"),
    [
        pytest.param({"hashed_password": "x"}, ["$.hashed_password"], id="hash key"),
        pytest.param({"items": [{"password": "x"}]}, ["$.items[0].password"], id="nested"),
        pytest.param({"Secret": 1}, ["$.Secret"], id="any case"),
        pytest.param({"pwd": "x", "salt": "y"}, ["$.pwd", "$.salt"], id="short names"),
        pytest.param(
            {"note": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"},
            ["$.note (a password hash)"],
            id="argon2 hash as a value",
        ),
        pytest.param(
            ["$2b$12$abcdefghijklmnopqrstuu"], ["$[0] (a password hash)"], id="bcrypt value"
        ),
        pytest.param(
            {"access_token": "eyJ...", "token_type": "bearer", "username": "alice"},
            [],
            id="a login answer is fine",
        ),
        pytest.param({"detail": [{"loc": ["body", "password"]}]}, [], id="a field name as value"),
    ],
)
def test_credential_like_keys_and_hash_values_are_found(document: object, found: list[str]) -> None:
    assert list(secrets_in(document)) == found


def _response(body: bytes, content_type: str) -> httpx2.Response:
    request = httpx2.Request("GET", "http://testserver/users/1")
    return httpx2.Response(
        200, content=body, headers={"content-type": content_type}, request=request
    )


def test_a_json_answer_with_a_hash_fails_the_test_that_received_it() -> None:
    with pytest.raises(SecretExposed, match=r"GET /users/1 .*\$\.hashed_password"):
        assert_no_secrets(_response(b'{"hashed_password": "x"}', "application/json"))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"password": "x"}', "text/plain"),
        (b"not json", "application/json"),
        (b'{"id": 1}', "application/json"),
    ],
)
def test_other_answers_pass(body: bytes, content_type: str) -> None:
    assert_no_secrets(_response(body, content_type))


def test_the_shared_client_scans_every_response(client: TestClient) -> None:
    assert assert_no_secrets in client.event_hooks["response"]


def test_a_leaking_route_fails_through_a_scanning_client() -> None:
    leaky = FastAPI()

    @leaky.get("/leak")
    def leak() -> dict[str, str]:
        return {"username": "alice", "hashed_password": "$argon2id$v=19$m=8,t=1,p=1$x$y"}

    with TestClient(leaky) as scanning:
        scanning.event_hooks["response"].append(assert_no_secrets)
        with pytest.raises(SecretExposed):
            scanning.get("/leak")
