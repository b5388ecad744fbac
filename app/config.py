"""Settings read from the environment (pydantic-settings), validated at start-up."""

from enum import StrEnum
from typing import Annotated, Self

from pydantic import BeforeValidator, Field, SecretStr, StringConstraints, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Only ever acceptable where nothing real is at stake; production refuses to start with it.
DEFAULT_SECRET_KEY = "insecure-development-secret-change-me-0123456789"
MIN_SECRET_BYTES = 32
CATALOG_MAX_BODY_BYTES = 1024 * 1024


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _comma_separated(value: object) -> object:
    # ALLOWED_HOSTS=api.example.com,www.example.com reads as a list, as people write it.
    if isinstance(value, str):
        return [host.strip() for host in value.split(",") if host.strip()]
    return value


# A name, "*.name" for its subdomains, an IPv6 address in brackets, or "*" for any host.
HOST_PATTERN = r"^(?:(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\]|\*)$"


# Where `make serve` listens (and its IPv6 twin), and the host Starlette's TestClient and
# httpx's ASGITransport examples name, so the app answers the way FastAPI's docs test it.
DEFAULT_ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite+pysqlite:///./app.db"

    # Every wait on the database is bounded (app/database.py); each expiry is answered 503 with
    # Retry-After. Connecting: a host that accepts and never answers (PostgreSQL; libpq counts
    # whole seconds, 2 at least). A lock held elsewhere: PostgreSQL's lock_timeout, SQLite's busy
    # timeout. Any one statement: PostgreSQL's statement_timeout (SQLite has none). A free pooled
    # connection: the pool's timeout. Migrations run with none of these (migrations/env.py).
    database_connect_timeout_seconds: int = Field(default=5, ge=2, le=300)
    database_lock_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    database_statement_timeout_seconds: float = Field(default=10.0, gt=0, le=3600)
    database_pool_timeout_seconds: float = Field(default=5.0, gt=0, le=300)

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

    # The names this service is reached at (the Host header; "*.example.com" for subdomains).
    # Any other is refused (400) before a route runs, so no redirect ever points elsewhere.
    allowed_hosts: Annotated[
        list[Annotated[str, StringConstraints(pattern=HOST_PATTERN)]],
        NoDecode,
        BeforeValidator(_comma_separated),
    ] = Field(default_factory=lambda: list(DEFAULT_ALLOWED_HOSTS), min_length=1)
    # /docs, /redoc and /openapi.json: served unless turned off; off in production unless on.
    api_docs: bool | None = None

    @property
    def api_docs_enabled(self) -> bool:
        if self.api_docs is not None:
            return self.api_docs
        return self.environment is not Environment.PRODUCTION

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
