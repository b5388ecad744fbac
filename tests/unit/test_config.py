"""Settings: read from plain environment variables, and refusing a weak secret."""

import pytest
from pydantic import ValidationError

from app.config import DEFAULT_SECRET_KEY, Environment, Settings

STRONG_SECRET = "s" * 32


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No setting leaks in from the machine running the tests."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("", id="empty"),
        pytest.param("s" * 31, id="31 bytes"),
        pytest.param("é" * 15 + "s", id="16 characters but 31 bytes"),
    ],
)
def test_a_short_secret_is_refused(clean_env: pytest.MonkeyPatch, secret: str) -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        _settings(secret_key=secret)


@pytest.mark.parametrize(
    "secret", [pytest.param("s" * 32, id="32 bytes"), pytest.param("é" * 16, id="32 bytes in 16")]
)
def test_a_secret_of_32_bytes_is_enough(clean_env: pytest.MonkeyPatch, secret: str) -> None:
    assert _settings(secret_key=secret).secret_key.get_secret_value() == secret


def test_the_default_secret_is_refused_in_production(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="ENVIRONMENT=production"):
        _settings(environment=Environment.PRODUCTION)


@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TEST])
def test_the_default_secret_is_tolerated_where_nothing_real_is_at_stake(
    clean_env: pytest.MonkeyPatch, environment: Environment
) -> None:
    settings = _settings(environment=environment)
    assert settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY


def test_production_starts_with_a_private_secret(clean_env: pytest.MonkeyPatch) -> None:
    settings = _settings(environment="production", secret_key=STRONG_SECRET)
    assert settings.environment is Environment.PRODUCTION


def test_settings_come_from_unprefixed_environment_variables(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("ENVIRONMENT", "production")
    clean_env.setenv("SECRET_KEY", STRONG_SECRET)
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://app@db/items")
    clean_env.setenv("ACCESS_TOKEN_EXPIRE_MINUTES", "15")
    clean_env.setenv("CATALOG_BASE_URL", "http://catalog.internal")
    clean_env.setenv("ARGON2_TIME_COST", "4")

    settings = _settings()

    assert settings.environment is Environment.PRODUCTION
    assert settings.secret_key.get_secret_value() == STRONG_SECRET
    assert settings.database_url == "postgresql+psycopg://app@db/items"
    assert settings.access_token_expire_minutes == 15
    assert settings.catalog_base_url == "http://catalog.internal"
    assert settings.argon2_time_cost == 4


def test_production_from_the_environment_without_a_secret_refuses_to_start(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="SECRET_KEY must be set"):
        _settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENVIRONMENT", "staging"),
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "0"),
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "1441"),
        ("CATALOG_TIMEOUT_SECONDS", "0"),
        ("ARGON2_MEMORY_COST_KIB", "7"),
    ],
)
def test_an_out_of_range_setting_is_refused(
    clean_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(ValidationError, match=name.lower()):
        _settings()


def test_the_secret_never_appears_in_a_repr(clean_env: pytest.MonkeyPatch) -> None:
    assert STRONG_SECRET not in repr(_settings(secret_key=STRONG_SECRET))


def test_settings_cannot_change_once_loaded(clean_env: pytest.MonkeyPatch) -> None:
    settings = _settings()
    with pytest.raises(ValidationError):
        settings.environment = Environment.PRODUCTION  # type: ignore[misc]
