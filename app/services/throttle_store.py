"""Where the login throttle keeps its attempts: the contract every store keeps.

A store holds, per key (a username), the attempts made in the last `window` seconds: each is
pending while its password is checked, then failed, or gone. Each operation is atomic, in one
process (a lock) or across every process sharing the store (one Redis script), so two attempts
can never both take the last place.
"""

from typing import Protocol


class StoreUnavailable(Exception):
    """The store could not be reached or did not answer in time."""


class ThrottleStore(Protocol):
    def reserve(
        self, key: str, token: str, *, now: float, limit: int, window: float
    ) -> float | None:
        """Take a place for attempt `token`, pending; None when taken, else how many seconds
        until a place frees (all `limit` places are taken by attempts inside the window)."""

    def fail(self, key: str, token: str) -> None:
        """The attempt failed: its place stays taken, as a failure, until it leaves the window."""

    def succeed(self, key: str, token: str) -> None:
        """The attempt succeeded: its place and every failure of `key` are given back. Attempts
        still pending keep their places."""

    def release(self, key: str, token: str) -> None:
        """The attempt was never decided (the check itself broke): its place is given back."""

    def close(self) -> None:
        """Let go of connections, if any."""
