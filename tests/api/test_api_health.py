"""GET /health: ok while the database answers, 503 when it does not."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.database import make_engine
from app.main import create_app
from tests.harness.schema import build_database


def test_health_is_ok_while_the_database_answers(client: TestClient) -> None:
    response = client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_health_is_503_and_logged_when_the_database_fails(
    client: TestClient, unreachable_database: None, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.get("/health")

    assert response.status_code == 503
    assert response.json() == {"detail": "Database unavailable"}
    assert "health check: database unavailable" in caplog.messages


def test_an_app_without_overrides_opens_its_own_sessions(
    test_settings: Settings, tmp_path: Path
) -> None:
    # The harness binds the session factories to its test transaction everywhere else; this
    # runs the app on its own engine and sessions end to end.
    settings = test_settings.model_copy(
        update={"database_url": f"sqlite+pysqlite:///{tmp_path / 'app.db'}"}
    )
    build_database(settings.database_url)
    app = create_app(settings)

    with TestClient(app) as client:
        response = client.get("/health")

    app.state.engine.dispose()
    assert response.json() == {"status": "ok"}


def test_engines_for_other_databases_check_connections_before_use() -> None:
    # Building the engine connects to nothing; pre-ping survives a database restart.
    engine = make_engine("postgresql+psycopg://app:secret@127.0.0.1:1/items")
    assert engine.pool._pre_ping
    engine.dispose()
