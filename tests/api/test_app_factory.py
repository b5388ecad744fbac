"""`create_app(settings)`: what it wires into a fresh app, seen through that app's answers.

The harness builds its app once per session and then replaces parts of it per test (the database
session, the login throttle, the catalog); these build their own app, with its own database file
and nothing replaced, so each piece `create_app` puts in place is the one that answers.
"""

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.catalog import CatalogClient
from app.config import Settings
from app.main import create_app
from tests.harness.schema import build_database
from tests.support.factories import DEFAULT_PASSWORD

BODY_LIMIT = 1024


def _build(settings: Settings) -> Iterator[FastAPI]:
    build_database(settings.database_url)
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def fresh_app(test_settings: Settings, tmp_path: Path) -> Iterator[FastAPI]:
    yield from _build(
        test_settings.model_copy(
            update={
                "database_url": f"sqlite+pysqlite:///{tmp_path / 'app.db'}",
                "login_max_failures": 1,
                "max_request_body_bytes": BODY_LIMIT,
            }
        )
    )


@pytest.fixture
def fresh_client(fresh_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(fresh_app) as client:
        yield client


def test_the_schema_names_the_service_and_every_operation_lists_the_common_errors(
    fresh_app: FastAPI,
) -> None:
    schema = fresh_app.openapi()

    assert (schema["info"]["title"], schema["info"]["version"]) == ("Items service", "1.0.0")
    assert {"413", "503"} <= schema["paths"]["/users/me/"]["get"]["responses"].keys()


def test_the_catalog_client_lives_as_long_as_the_app(fresh_app: FastAPI) -> None:
    with TestClient(fresh_app):
        catalog = fresh_app.state.catalog
        assert isinstance(catalog, CatalogClient)
        assert not catalog.http.is_closed

    assert catalog.http.is_closed


def test_what_exists_once_started_is_kept_out_of_full_collections_until_it_stops(
    fresh_app: FastAPI,
) -> None:
    # app/main.py: gc.freeze() once started, so full collections under load stop walking the
    # ~110,000 long-lived objects; unfrozen at shutdown, so a stopped app leaves none frozen.
    with TestClient(fresh_app):
        frozen = gc.get_freeze_count()
        assert frozen > 10_000
        assert gc.isenabled()

    assert gc.get_freeze_count() == 0


def test_the_body_limit_comes_from_the_settings(fresh_client: TestClient) -> None:
    response = fresh_client.post(
        "/users/",
        content=b'{"username": "' + b"x" * BODY_LIMIT + b'"}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is too large (at most {BODY_LIMIT} bytes)"
    }


def test_logins_are_throttled_with_the_limits_from_the_settings(
    fresh_client: TestClient,
) -> None:
    guess = {"username": "nobody", "password": DEFAULT_PASSWORD}

    assert fresh_client.post("/token", data=guess).status_code == 401
    # login_max_failures is 1 here: the second guess is not even checked.
    blocked = fresh_client.post("/token", data=guess)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0


def test_domain_errors_are_answered_with_their_status_and_headers(
    fresh_client: TestClient,
) -> None:
    response = fresh_client.get("/users/me/")

    assert (response.status_code, response.json()) == (401, {"detail": "Not authenticated"})
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_validation_errors_are_answered_without_the_submitted_values(
    fresh_client: TestClient,
) -> None:
    response = fresh_client.post("/users/", json={"username": "carol", "password": "x"})

    assert response.status_code == 422
    errors = response.json()["detail"]
    assert {tuple(error["loc"]) for error in errors} == {("body", "email"), ("body", "password")}
    assert all("input" not in error for error in errors)


def test_a_wrong_method_is_answered_with_the_methods_the_path_supports(
    fresh_client: TestClient,
) -> None:
    response = fresh_client.delete("/health")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


def test_a_database_that_cannot_be_opened_is_a_503_with_retry_after(
    test_settings: Settings, tmp_path: Path
) -> None:
    app = create_app(
        test_settings.model_copy(
            update={"database_url": f"sqlite+pysqlite:///{tmp_path / 'missing' / 'app.db'}"}
        )
    )

    with TestClient(app) as client:
        response = client.post("/token", data={"username": "carol", "password": "long-enough"})

    app.state.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json() == {"detail": "Database unavailable, try again later"}
