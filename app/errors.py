"""Domain errors raised by services and mapped to HTTP answers in one place (see main.py)."""

from collections.abc import Mapping


class AppError(Exception):
    """An expected failure with the status and message a client should see."""

    status_code = 400
    detail = "Bad request"

    def __init__(self, detail: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        self.detail = detail or self.detail
        self.headers = dict(headers or {})
        super().__init__(self.detail)


class NotFoundError(AppError):
    status_code = 404
    detail = "Not found"


class ConflictError(AppError):
    status_code = 409
    detail = "Conflict"


class PermissionDeniedError(AppError):
    status_code = 403
    detail = "Not enough permissions"


class AuthenticationError(AppError):
    status_code = 401
    detail = "Could not validate credentials"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class TooManyRequestsError(AppError):
    status_code = 429
    detail = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after_seconds: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_seconds)})


# How long a client is asked to wait when the database cannot serve (every 503 it causes).
DATABASE_RETRY_AFTER_SECONDS = 5


class DatabaseNotReady(AppError):
    """The database cannot serve requests: unreachable, not migrated, or not readable."""

    status_code = 503
    detail = "Database unavailable"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})
