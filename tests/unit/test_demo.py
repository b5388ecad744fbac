"""`make serve`'s seeding: two demo users who can log in, never in production.

Seeding on the migrated schema, twice, and refusing an unmigrated database:
tests/integration/test_migrations.py.
"""

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app import demo
from app.config import Environment, Settings
from app.models import Base, Role, User
from app.security import PasswordHasher


@pytest.fixture
def demo_settings(test_settings: Settings, tmp_path: Path) -> Settings:
    """A SQLite file with the models' schema (migrations are proven equal to it elsewhere)."""
    settings = test_settings.model_copy(
        update={"database_url": f"sqlite+pysqlite:///{tmp_path / 'demo.db'}"}
    )
    engine = create_engine(settings.database_url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return settings


def _stored_users(settings: Settings) -> list[User]:
    engine = create_engine(settings.database_url)
    with Session(engine) as session:
        users = list(session.scalars(select(User).order_by(User.username)))
    engine.dispose()
    return users


def test_seeding_creates_an_admin_and_a_member_who_can_log_in(demo_settings: Settings) -> None:
    credentials = demo.seed_demo_users(demo_settings)

    hasher = PasswordHasher.from_settings(demo_settings)
    users = {user.username: user for user in _stored_users(demo_settings)}
    assert {(name, role) for name, _, role in credentials} == {
        ("olivia", Role.ADMIN),
        ("alice", Role.MEMBER),
    }
    for username, password, role in credentials:
        assert users[username].role is role
        assert hasher.verify(password, users[username].hashed_password)
    assert (users["olivia"].full_name, users["alice"].full_name) == ("Olivia Admin", "Alice Member")


def test_seeding_refuses_production_and_adds_nobody(demo_settings: Settings) -> None:
    production = demo_settings.model_copy(update={"environment": Environment.PRODUCTION})

    with pytest.raises(SystemExit, match=r"^refusing to create demo users in production$"):
        demo.seed_demo_users(production)
    assert _stored_users(demo_settings) == []


def test_main_prints_the_demo_credentials(
    demo_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "Settings", lambda: demo_settings)

    demo.main()

    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "Demo users (log in at /docs with 'Authorize', or POST /token):",
        "  admin   username=olivia  password=olivia-admin-pass",
        "  member  username=alice  password=alice-member-pass",
    ]
