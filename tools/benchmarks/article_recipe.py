"""The seed article's test recipe, as a pytest plugin for benchmarks only (`-p article_recipe`).

tools/benchmarks/suite_speed.py times the harness against it on the same scenarios:

    --isolation=recreate    create_all before and drop_all after every test, every session on
                            the engine itself, committing for real (the harness: one rolled-back
                            transaction per test)
    --hashing=production    argon2id with the parameters that ship (the harness: its floor)

Never load it for a real run: it only makes the suite slower.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import Base


class RecreatedSchema:
    """A schema built for each test and dropped after it, once every session on it closed."""

    @contextmanager
    def connect(self, engine: Engine) -> Iterator[Connection]:
        Base.metadata.create_all(engine)
        with engine.connect() as connection:
            yield connection
        Base.metadata.drop_all(engine)

    def session(self, connection: Connection) -> Session:
        return Session(bind=connection.engine, expire_on_commit=False)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("article_recipe", "the seed article's recipe (benchmarks only)")
    group.addoption("--isolation", choices=("savepoint", "recreate"), default="savepoint")
    group.addoption("--hashing", choices=("fast", "production"), default="fast")


def pytest_configure(config: pytest.Config) -> None:
    # Imported here, once the root conftest has registered the harness: imported earlier, its
    # modules would escape pytest's assertion rewriting.
    from tests.harness.database import ISOLATION
    from tests.harness.settings import FAST_HASHING, SETTINGS_OVERRIDES

    if config.getoption("isolation") == "recreate":
        config.stash[ISOLATION] = RecreatedSchema()
    if config.getoption("hashing") == "production":
        # What the harness lowers, put back to the defaults the service ships with.
        config.stash[SETTINGS_OVERRIDES] = {
            name: Settings.model_fields[name].default for name in FAST_HASHING
        }
