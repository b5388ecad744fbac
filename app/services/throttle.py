"""Brute-force protection for logins: at most `max_failures` passwords checked per username in
any `window_seconds`, whatever the concurrency.

Each attempt takes a place before its password is checked (`reserve`); while all places are
taken by attempts inside the window, the next is refused (429 with Retry-After) without a
check, so a guess made while blocked can never succeed and a burst cannot slip past the count.
A failed check keeps its place until it leaves the window; a successful one gives its place
back and clears that username's failures, and nobody else's. When the oldest failure leaves the
window, exactly one place frees: one more try, whose failure blocks again.

The places live in a store (app/services/throttle_store.py): this process's memory by default,
or Redis, shared by every worker and replica, when REDIS_URL is set. If the store cannot be
reached, logins are refused (503 with Retry-After) rather than let through unthrottled: see
docs/reliability.md.
"""

import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.config import Settings
from app.errors import AppError, TooManyRequestsError
from app.services.throttle_memory import MemoryThrottleStore
from app.services.throttle_store import StoreUnavailable, ThrottleStore

logger = logging.getLogger(__name__)

Clock = Callable[[], float]

TOO_MANY_FAILURES = "Too many failed logins for this username; try again later"
STORE_UNAVAILABLE = "Logging in is unavailable for a moment; try again later"
STORE_RETRY_AFTER_SECONDS = 5


class LoginsUnavailableError(AppError):
    """The throttle cannot count attempts, so none is let through to a password check."""

    status_code = 503
    detail = STORE_UNAVAILABLE

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(STORE_RETRY_AFTER_SECONDS)})


@dataclass(frozen=True, slots=True)
class Reservation:
    """One attempt's place, held while its password is checked."""

    key: str
    token: str


class LoginThrottle:
    def __init__(
        self,
        store: ThrottleStore,
        *,
        max_failures: int,
        window_seconds: float,
        clock: Clock = time.monotonic,
    ) -> None:
        self.store = store
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> "LoginThrottle":
        store: ThrottleStore
        if settings.redis_url:
            # Imported here: redis-py costs ~0.2 s of imports, paid only by deployments that
            # set REDIS_URL (and not by every test process that imports the app).
            from app.services.throttle_redis import RedisThrottleStore

            store = RedisThrottleStore.from_settings(settings)
            # Processes share the counts, so they must share the clock: wall-clock seconds.
            default_clock: Clock = time.time
        else:
            store = MemoryThrottleStore(max_tracked_keys=settings.login_max_tracked_usernames)
            default_clock = time.monotonic
        return cls(
            store,
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds,
            clock=clock or default_clock,
        )

    def reserve(self, username: str) -> Reservation:
        """A place for one attempt at `username`'s password, or TooManyRequestsError."""
        reservation = Reservation(key=username, token=secrets.token_hex(8))
        try:
            wait = self.store.reserve(
                reservation.key,
                reservation.token,
                now=self.clock(),
                limit=self.max_failures,
                window=self.window_seconds,
            )
        except StoreUnavailable as exc:
            logger.error("login throttle store unavailable, refusing logins: %s", exc)
            raise LoginsUnavailableError() from exc
        if wait is not None:
            raise TooManyRequestsError(
                TOO_MANY_FAILURES, retry_after_seconds=max(1, math.ceil(wait))
            )
        return reservation

    def record_failure(self, reservation: Reservation) -> None:
        self._settle(self.store.fail, reservation)

    def record_success(self, reservation: Reservation) -> None:
        self._settle(self.store.succeed, reservation)

    def release(self, reservation: Reservation) -> None:
        self._settle(self.store.release, reservation)

    def close(self) -> None:
        self.store.close()

    def _settle(self, outcome: Callable[[str, str], None], reservation: Reservation) -> None:
        try:
            outcome(reservation.key, reservation.token)
        except StoreUnavailable as exc:
            # The answer is already decided; the place stays taken until it leaves the window,
            # counted as a failure: the safe side.
            logger.warning("login throttle store unavailable, attempt left pending: %s", exc)
