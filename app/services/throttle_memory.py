"""The login throttle's embedded store: this process's memory (the zero-setup default).

Each process counts alone: with N workers or replicas an attacker gets N times the tries, and a
restart forgets every count. Set REDIS_URL to share the counts (app/services/throttle_redis.py).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(slots=True)
class _Attempt:
    at: float
    failed: bool = False


class MemoryThrottleStore:
    """Attempts per key, oldest first; one lock makes each operation atomic across the threads
    that serve sync routes."""

    def __init__(self, *, max_tracked_keys: int = 10_000) -> None:
        self.max_tracked_keys = max_tracked_keys
        self._attempts: OrderedDict[str, OrderedDict[str, _Attempt]] = OrderedDict()
        self._lock = threading.Lock()

    def reserve(
        self, key: str, token: str, *, now: float, limit: int, window: float
    ) -> float | None:
        with self._lock:
            attempts = self._recent(key, now, window)
            if len(attempts) >= limit:
                # The place that frees first is held by the oldest of the `limit` newest.
                blocking = list(attempts.values())[len(attempts) - limit]
                return blocking.at + window - now
            attempts[token] = _Attempt(at=now)
            self._attempts[key] = attempts
            self._attempts.move_to_end(key)
            # Random usernames must not grow memory without bound: forget the stalest first.
            while len(self._attempts) > self.max_tracked_keys:
                # Equivalent mutant (last=None): None is as false as False.
                self._attempts.popitem(last=False)  # pragma: no mutate
            return None

    def fail(self, key: str, token: str) -> None:
        with self._lock:
            attempts = self._attempts.get(key)
            attempt = attempts.get(token) if attempts else None
            if attempt is not None:
                attempt.failed = True

    def succeed(self, key: str, token: str) -> None:
        with self._lock:
            attempts = self._attempts.get(key)
            if attempts is None:
                return
            for other, attempt in list(attempts.items()):
                if other == token or attempt.failed:
                    del attempts[other]
            if not attempts:
                del self._attempts[key]

    def release(self, key: str, token: str) -> None:
        with self._lock:
            attempts = self._attempts.get(key)
            if attempts is None:
                return
            attempts.pop(token, None)
            if not attempts:
                del self._attempts[key]

    def close(self) -> None:
        """Nothing to let go of."""

    def tracked_keys(self) -> int:
        with self._lock:
            return len(self._attempts)

    def _recent(self, key: str, now: float, window: float) -> OrderedDict[str, _Attempt]:
        attempts = self._attempts.get(key) or OrderedDict()
        # Oldest first: an attempt leaves the window `window` seconds after it was made.
        while attempts and next(iter(attempts.values())).at <= now - window:
            attempts.popitem(last=False)
        if not attempts:
            self._attempts.pop(key, None)
        return attempts
