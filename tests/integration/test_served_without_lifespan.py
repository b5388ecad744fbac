"""The app used the way FastAPI's documentation tests it, with no harness around it.

`client = TestClient(app)` at module level (never entered with `with`) and httpx's
`ASGITransport` both send requests without running the app's lifespan, which is where the
pooled catalog client is made. Without it each request gets a catalog client of its own
(app/dependencies.py), so the catalog answers as usual; a pool would not survive, since such a
TestClient runs every request on a new event loop. The catalog here is the real fake server on
loopback (tests/support/fakes/catalog.py), so connections really open and close.

Also here: the module-level `app.main.app`, on its default settings, writes no database file
into the working directory when a test reaches its database.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import app as published_app
from app.main import create_app
from tests.harness.schema import build_database
from tests.support.fakes.catalog import FakeCatalog, catalog_item

PASSWORD = "long-enough-pass"
CAROL = {"email": "carol@example.com", "username": "carol", "password": PASSWORD}


@pytest.fixture
def bare_app(
    test_settings: Settings, tmp_path: Path, catalog_server: FakeCatalog
) -> Iterator[FastAPI]:
    """An app of its own: a migrated SQLite file, the fake catalog, nothing replaced."""
    settings = test_settings.model_copy(
        update={
            "database_url": f"sqlite+pysqlite:///{tmp_path / 'app.db'}",
            "catalog_base_url": catalog_server.base_url,
        }
    )
    build_database(settings.database_url)
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


def test_a_test_client_never_entered_reaches_the_catalog(bare_app: FastAPI) -> None:
    client = TestClient(bare_app)  # as FastAPI's documentation writes it: no `with`
    assert client.post("/users/", json=CAROL).status_code == 201
    login = client.post("/token", data={"username": "carol", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    # Two requests: each runs on an event loop of its own.
    first = client.get("/external-item/SKU-1", headers=headers)
    second = client.get("/external-item/SKU-2", headers=headers)

    assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
    assert second.json() == {"item_id": "SKU-2", "external_data": catalog_item("SKU-2")}


@pytest.mark.anyio
async def test_httpx_asgi_transport_reaches_the_catalog(bare_app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=bare_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.post("/users/", json=CAROL)).status_code == 201
        login = await client.post("/token", data={"username": "carol", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        response = await client.get("/external-item/SKU-1", headers=headers)

    assert response.status_code == 200, response.text
    assert response.json() == {"item_id": "SKU-1", "external_data": catalog_item("SKU-1")}


def test_the_published_app_writes_no_database_file_where_it_is_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its default database is ./app.db: a file the migrations make, never the app."""
    if published_app.state.settings.database_url != Settings.model_fields["database_url"].default:
        pytest.skip("DATABASE_URL is set for this run: the published app does not use ./app.db")
    monkeypatch.chdir(tmp_path)
    client = TestClient(published_app, raise_server_exceptions=False)

    answers = [
        client.get("/health").status_code,
        client.post("/users/", json=CAROL).status_code,
        client.post("/token", data={"username": "carol", "password": PASSWORD}).status_code,
    ]

    assert answers == [503, 503, 503]
    assert list(tmp_path.iterdir()) == []
