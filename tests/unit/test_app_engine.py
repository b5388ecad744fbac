"""`make_app_engine(settings)`: the app's engine bounds every wait and never creates a file.

How each bound answers under a real server (a silent host, a held lock, a full pool) is in
tests/integration/test_database_timeouts.py; here, that each setting reaches the connection it
governs.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.config import Settings
from app.database import make_app_engine
from app.main import create_app
from tests.harness.databases import is_postgres, target_url


def _with(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update=changes)


def test_the_lock_timeout_is_sqlites_busy_timeout(test_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "app.db").touch()
    settings = _with(
        test_settings,
        database_url=f"sqlite+pysqlite:///{tmp_path / 'app.db'}",
        database_lock_timeout_seconds=1.5,
    )
    engine = make_app_engine(settings)
    with engine.connect() as connection:
        busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    engine.dispose()

    assert busy_timeout == 1500


def test_an_in_memory_database_still_works(test_settings: Settings) -> None:
    engine = make_app_engine(_with(test_settings, database_url="sqlite+pysqlite://"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()


@pytest.mark.skipif(
    not is_postgres(target_url()), reason="PostgreSQL's own limits: set TEST_DATABASE_URL"
)
def test_postgresql_sessions_carry_the_lock_and_statement_timeouts(
    test_settings: Settings,
) -> None:
    settings = _with(
        test_settings, database_lock_timeout_seconds=1.5, database_statement_timeout_seconds=7
    )
    engine = make_app_engine(settings)
    with engine.connect() as connection:
        limits = {
            name: connection.exec_driver_sql(f"SHOW {name}").scalar_one()
            for name in ("lock_timeout", "statement_timeout")
        }
    engine.dispose()

    assert limits == {"lock_timeout": "1500ms", "statement_timeout": "7s"}


def test_a_missing_sqlite_file_is_a_503_and_is_not_created(
    test_settings: Settings, tmp_path: Path
) -> None:
    """Reaching the database before the migrations made it writes nothing anywhere."""
    database = tmp_path / "app.db"
    app = create_app(_with(test_settings, database_url=f"sqlite+pysqlite:///{database}"))

    with TestClient(app) as client:
        response = client.post(
            "/users/",
            json={"email": "carol@example.com", "username": "carol", "password": "x" * 12},
        )
    app.state.engine.dispose()

    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_uri_filename_keeps_its_own_mode(test_settings: Settings, tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    url = f"sqlite+pysqlite:///file:{database}?mode=rwc&uri=true"
    engine = make_app_engine(_with(test_settings, database_url=url))
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()

    assert database.exists()
