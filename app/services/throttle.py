"""Brute-force protection for logins: a sliding window of failed attempts per username.

After `max_failures` failed logins for one username within `window_seconds`, every further
attempt for that username is refused (429 with Retry-After) until the oldest of those failures
leaves the window; the password is not even checked, so a guess made while blocked can never
succeed. A successful login clears that username's own failures and nobody else's.

State lives in this process's memory: see "Login throttling" in the README for what that means
with several workers.
"""

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from app.config import Settings
from app.errors import TooManyRequestsError

Clock = Callable[[], float]

TOO_MANY_FAILURES = "Too many failed logins for this username; try again later"


class LoginThrottle:
    """Counts failed logins per username; thread-safe (sync routes run in a thread pool)."""

    def __init__(
        self,
        *,
        max_failures: int,
        window_seconds: float,
        max_tracked_usernames: int = 10_000,
        clock: Clock = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.max_tracked_usernames = max_tracked_usernames
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock = time.monotonic) -> "LoginThrottle":
        return cls(
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds,
            max_tracked_usernames=settings.login_max_tracked_usernames,
            clock=clock,
        )

    def retry_after(self, username: str) -> int | None:
        """Whole seconds until `username` may try again, or None when it may try now."""
        with self._lock:
            now = self.clock()
            failures = self._recent(username, now)
            if len(failures) < self.max_failures:
                return None
            # The attempt that frees a slot is the one whose oldest failure has left the window.
            blocking = failures[-self.max_failures]
            return max(1, math.ceil(blocking + self.window_seconds - now))

    def check(self, username: str) -> None:
        """Raise TooManyRequestsError while `username` is blocked."""
        wait = self.retry_after(username)
        if wait is not None:
            raise TooManyRequestsError(TOO_MANY_FAILURES, retry_after_seconds=wait)

    def record_failure(self, username: str) -> None:
        with self._lock:
            now = self.clock()
            failures = self._recent(username, now)
            failures.append(now)
            self._failures[username] = failures
            self._failures.move_to_end(username)
            # Random usernames must not grow memory without bound: forget the stalest first.
            while len(self._failures) > self.max_tracked_usernames:
                # Equivalent mutant (last=None): None is as false as False.
                self._failures.popitem(last=False)  # pragma: no mutate

    def record_success(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)

    def tracked_usernames(self) -> int:
        with self._lock:
            return len(self._failures)

    def _recent(self, username: str, now: float) -> deque[float]:
        failures = self._failures.get(username) or deque(
            # Equivalent mutant (no maxlen): it bounds memory only; the rule reads the newest end.
            maxlen=self.max_failures  # pragma: no mutate
        )
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        if not failures:
            self._failures.pop(username, None)
        return failures
