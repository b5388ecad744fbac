"""Settings read from the environment (pydantic-settings), validated at start-up."""

from enum import StrEnum
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Only ever acceptable where nothing real is at stake; production refuses to start with it.
DEFAULT_SECRET_KEY = "insecure-development-secret-change-me-0123456789"
MIN_SECRET_BYTES = 32
CATALOG_MAX_BODY_BYTES = 1024 * 1024


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite+pysqlite:///./app.db"

    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    access_token_expire_minutes: int = Field(default=30, ge=1, le=24 * 60)

    # argon2id parameters; the defaults are argon2-cffi's RFC 9106 low-memory profile.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_cost_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

    catalog_base_url: str = "http://127.0.0.1:8081"
    # The whole catalog call, retry and body included, ends within this (and each read too).
    catalog_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    # A catalog body beyond this, on the wire or once decoded, is refused (502).
    catalog_max_body_bytes: int = Field(default=CATALOG_MAX_BODY_BYTES, ge=1024)
    catalog_retry_after_seconds: int = Field(default=5, ge=1)

    # Brute-force protection per username (app/services/throttle.py): in this process's memory
    # (at most login_max_tracked_usernames), or in Redis when redis_url is set.
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: float = Field(default=300.0, gt=0)
    login_max_tracked_usernames: int = Field(default=10_000, ge=1)

    # Redis, shared by every worker and replica, for the login throttle's counts. Each call
    # gives up after redis_timeout_seconds (once retried); then logins answer 503.
    redis_url: str | None = None
    redis_key_prefix: str = "items-service:"
    redis_timeout_seconds: float = Field(default=0.5, gt=0, le=10)

    # Bodies beyond this are refused with 413 before they are read into memory.
    max_request_body_bytes: int = Field(default=64 * 1024, ge=1024)

    @model_validator(mode="after")
    def _secret_is_strong(self) -> Self:
        secret = self.secret_key.get_secret_value()
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes long")
        relaxed = {Environment.DEVELOPMENT, Environment.TEST}
        if secret == DEFAULT_SECRET_KEY and self.environment not in relaxed:
            raise ValueError(
                f"SECRET_KEY must be set to a private value when ENVIRONMENT={self.environment}"
            )
        return self
