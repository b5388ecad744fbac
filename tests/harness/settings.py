"""The settings every test app and factory shares, and the password hasher built from them."""

import pytest

from app.config import Environment, Settings
from app.security import PasswordHasher
from tests.harness.databases import target_url

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
CATALOG_BASE_URL = "http://catalog.test"

# argon2id at its floor: ~1 ms instead of ~150 ms per hash. tests/unit/test_security.py pins
# the production parameters so this profile can never leak into what ships.
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost_kib": 8, "argon2_parallelism": 1}

SETTINGS_OVERRIDES = pytest.StashKey[dict[str, object]]()
"""Settings a plugin asks every test app to use instead (the benchmark's production hashing)."""


def make_test_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": Environment.TEST,
        "database_url": target_url(),
        "secret_key": TEST_SECRET_KEY,
        "catalog_base_url": CATALOG_BASE_URL,
        "catalog_timeout_seconds": 2.0,
        # The in-process suite's throttle counts in memory, per test (`login_clock`), whatever
        # REDIS_URL the shell exports; tests/integration/test_throttle_store_redis.py covers Redis.
        "redis_url": None,
        **FAST_HASHING,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def test_settings(pytestconfig: pytest.Config, database_url: str) -> Settings:
    overrides = pytestconfig.stash.get(SETTINGS_OVERRIDES, {})
    return make_test_settings(database_url=database_url, **overrides)


@pytest.fixture(scope="session")
def hasher(test_settings: Settings) -> PasswordHasher:
    return PasswordHasher.from_settings(test_settings)
