"""A database that is there but not usable: every route answers 503, and /health says why.

/health is what a load balancer or an operator asks. It answers 200 only when the schema is at
the revision this code needs (app.models.SCHEMA_REVISION, the migrations' head) and every table
can be read; otherwise 503 with Retry-After and what is wrong. The other routes meet the same
faults as a database error: 503 with Retry-After, never a 500.

Each case builds its own app over a database of its own, with nothing of the harness replaced.
"""

import itertools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.config import Settings
from app.http_errors import DATABASE_UNAVAILABLE
from app.main import create_app
from app.models import SCHEMA_REVISION
from app.security import create_access_token
from app.services.health import DATABASE_UNAVAILABLE as NO_ANSWER
from app.services.health import NOT_MIGRATED, NOT_READABLE
from tests.harness.databases import alembic_config, is_postgres, target_url, throwaway_database
from tests.harness.schema import build_database

ON_POSTGRES = is_postgres(target_url())
_roles = itertools.count()


def _answers(settings: Settings) -> dict[str, Response]:
    """What /health, a login and an item listing answer on an app over `settings`' database."""
    app = create_app(settings)
    # Any validly signed token: finding its user is the listing's first database read.
    token = create_access_token(1, settings).access_token
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            return {
                "health": client.get("/health"),
                "login": client.post("/token", data={"username": "carol", "password": "x" * 12}),
                "items": client.get("/items/", headers={"Authorization": f"Bearer {token}"}),
            }
    finally:
        app.state.engine.dispose()


def _statuses(answers: dict[str, Response]) -> dict[str, int]:
    return {route: response.status_code for route, response in answers.items()}


def _expect_all_unavailable(answers: dict[str, Response], health_detail: str) -> None:
    print(f"\n{_statuses(answers)}; /health says {answers['health'].json()}")
    assert _statuses(answers) == {"health": 503, "login": 503, "items": 503}
    for route, response in answers.items():
        assert response.headers.get("Retry-After") == "5", route
    assert answers["health"].json() == {"detail": health_detail}
    assert answers["login"].json() == {"detail": DATABASE_UNAVAILABLE}
    assert answers["items"].json() == {"detail": DATABASE_UNAVAILABLE}


def test_the_revision_the_app_needs_is_the_migrations_head() -> None:
    """A new migration without SCHEMA_REVISION moved along would make /health refuse it."""
    head = ScriptDirectory.from_config(alembic_config(target_url())).get_current_head()
    assert head == SCHEMA_REVISION


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database that exists and has nothing in it: never migrated."""
    if ON_POSTGRES:
        with throwaway_database(target_url(), "faults") as url:
            yield url
        return
    (tmp_path / "app.db").touch()
    yield f"sqlite+pysqlite:///{tmp_path / 'app.db'}"


def test_an_unmigrated_database_is_unhealthy_and_every_route_is_a_503(
    test_settings: Settings, empty_database: str
) -> None:
    answers = _answers(test_settings.model_copy(update={"database_url": empty_database}))

    _expect_all_unavailable(answers, NOT_MIGRATED.format(found="none", expected=SCHEMA_REVISION))


def test_a_database_at_another_revision_is_unhealthy(
    test_settings: Settings, empty_database: str
) -> None:
    build_database(empty_database)
    engine = create_engine(empty_database, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    engine.dispose()

    health = _answers(test_settings.model_copy(update={"database_url": empty_database}))["health"]

    assert health.status_code == 503
    assert health.json() == {"detail": NOT_MIGRATED.format(found="f00d", expected=SCHEMA_REVISION)}


def test_a_migrated_database_is_healthy(test_settings: Settings, empty_database: str) -> None:
    build_database(empty_database)

    answers = _answers(test_settings.model_copy(update={"database_url": empty_database}))

    assert _statuses(answers) == {"health": 200, "login": 401, "items": 401}
    assert answers["health"].json() == {"status": "ok"}


def test_a_sqlite_file_that_is_not_a_database_is_unhealthy_and_every_route_is_a_503(
    test_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "app.db"
    path.write_bytes(b"These are the minutes of the meeting, not a database.\n" * 200)
    before = path.read_bytes()

    answers = _answers(test_settings.model_copy(update={"database_url": f"sqlite:///{path}"}))

    _expect_all_unavailable(answers, NO_ANSWER)
    assert path.read_bytes() == before


@contextmanager
def role_that_cannot_read(database_url: str, table: str) -> Iterator[str]:
    """A login role with every right the app uses on `database_url` except reading `table`;
    yields the URL that connects as it. Roles belong to the whole server: the name is unique
    to this worker and process, and the role is dropped afterwards."""
    role = re.sub(r"\W", "_", f"reader_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
    role = f"{role}_{os.getpid()}_{next(_roles)}"
    owner = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as connection:
            connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
            connection.execute(text(f"CREATE ROLE {role} LOGIN"))
            connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
            connection.execute(
                text(
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
                )
            )
            connection.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
            connection.execute(text(f"REVOKE SELECT ON {table} FROM {role}"))
        try:
            yield (
                make_url(database_url)
                .set(username=role, password=None)
                .render_as_string(hide_password=False)
            )
        finally:
            with owner.connect() as connection:
                connection.execute(text(f"DROP OWNED BY {role}"))
                connection.execute(text(f"DROP ROLE {role}"))
    finally:
        owner.dispose()


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has no privileges: set TEST_DATABASE_URL")
def test_a_table_the_app_may_not_read_is_unhealthy_and_its_routes_are_a_503(
    test_settings: Settings, empty_database: str
) -> None:
    build_database(empty_database)
    with role_that_cannot_read(empty_database, "items") as url:
        app = create_app(test_settings.model_copy(update={"database_url": url}))
        with TestClient(app, raise_server_exceptions=False) as client:
            carol = {"email": "carol@example.com", "username": "carol", "password": "x" * 12}
            registered = client.post("/users/", json=carol)
            login = client.post("/token", data={"username": "carol", "password": "x" * 12})
            headers = {"Authorization": f"Bearer {login.json().get('access_token')}"}
            items = client.get("/items/", headers=headers)
            health = client.get("/health")
        app.state.engine.dispose()

    print(
        f"\nSELECT on items revoked: register {registered.status_code}, login "
        f"{login.status_code}, items {items.status_code}, health {health.status_code} "
        f"{health.json()}"
    )
    # Accounts can still be read and written: only what needs the items is unavailable.
    assert (registered.status_code, login.status_code) == (201, 200)
    assert items.status_code == 503
    assert items.headers["Retry-After"] == "5"
    assert items.json() == {"detail": DATABASE_UNAVAILABLE}
    assert health.status_code == 503
    assert health.headers["Retry-After"] == "5"
    assert health.json() == {"detail": NOT_READABLE.format(table="items")}


def test_a_table_missing_behind_the_migrations_back_is_unhealthy(
    test_settings: Settings, empty_database: str
) -> None:
    build_database(empty_database)
    engine = create_engine(empty_database, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE items"))
    engine.dispose()

    answers = _answers(test_settings.model_copy(update={"database_url": empty_database}))

    assert answers["health"].status_code == 503
    assert answers["health"].json() == {"detail": NOT_READABLE.format(table="items")}
