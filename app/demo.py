"""Seed the local database for `make serve` with two demo users.

The schema comes from migrations (`alembic upgrade head`, which `make serve` runs first).
Prints the demo credentials; safe to run repeatedly.
"""

from sqlalchemy import inspect, select

from app.config import Environment, Settings
from app.database import make_engine, make_session_factory
from app.models import Role, User
from app.security import PasswordHasher

DEMO_USERS = (
    ("olivia", "olivia@example.com", "Olivia Admin", Role.ADMIN, "olivia-admin-pass"),
    ("alice", "alice@example.com", "Alice Member", Role.MEMBER, "alice-member-pass"),
)


def seed_demo_users(settings: Settings) -> list[tuple[str, str, Role]]:
    if settings.environment is Environment.PRODUCTION:
        raise SystemExit("refusing to create demo users in production")
    engine = make_engine(settings.database_url)
    if not inspect(engine).has_table(User.__tablename__):
        engine.dispose()
        raise SystemExit("the database has no schema yet: run `alembic upgrade head` first")
    hasher = PasswordHasher.from_settings(settings)
    with make_session_factory(engine)() as db:
        for username, email, full_name, role, password in DEMO_USERS:
            if db.scalar(select(User).where(User.username == username)) is None:
                db.add(
                    User(
                        username=username,
                        email=email,
                        full_name=full_name,
                        role=role,
                        hashed_password=hasher.hash(password),
                    )
                )
        db.commit()
    engine.dispose()
    return [(username, password, role) for username, _, _, role, password in DEMO_USERS]


def main() -> None:
    credentials = seed_demo_users(Settings())
    print("Demo users (log in at /docs with 'Authorize', or POST /token):")
    for username, password, role in credentials:
        print(f"  {role.value:<6}  username={username}  password={password}")


if __name__ == "__main__":
    main()
