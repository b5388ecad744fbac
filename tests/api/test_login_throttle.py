"""Brute force: five failed logins for a username within five minutes block it until the window
passes. The clock is injected (the `login_clock` fixture), so nothing here sleeps."""

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.errors import TooManyRequestsError
from app.models import User
from app.services.throttle import TOO_MANY_FAILURES, LoginThrottle
from app.services.throttle_memory import MemoryThrottleStore
from tests.support.factories import DEFAULT_PASSWORD, UserFactory
from tests.support.fakes.clock import FakeClock

WINDOW = 300.0
WRONG = "not-the-password"


def _throttle(clock: FakeClock, max_tracked_usernames: int = 10_000) -> LoginThrottle:
    store = MemoryThrottleStore(max_tracked_keys=max_tracked_usernames)
    return LoginThrottle(store, max_failures=5, window_seconds=WINDOW, clock=clock)


def _fail(throttle: LoginThrottle, username: str) -> None:
    """One attempt whose password was wrong."""
    throttle.record_failure(throttle.reserve(username))


def _retry_after(throttle: LoginThrottle, username: str) -> int | None:
    """Seconds until `username` may try again, or None when it may try now (the place taken
    to find out is given back)."""
    try:
        reservation = throttle.reserve(username)
    except TooManyRequestsError as refused:
        return int(refused.headers["Retry-After"])
    throttle.release(reservation)
    return None


def _tracked(throttle: LoginThrottle) -> int:
    assert isinstance(throttle.store, MemoryThrottleStore)
    return throttle.store.tracked_keys()


def _log_in(client: TestClient, username: str, password: str) -> int:
    response = client.post("/token", data={"username": username, "password": password})
    return response.status_code


# --- the rule, on the plain class ---------------------------------------------------------------


def test_four_failures_do_not_block() -> None:
    throttle = _throttle(FakeClock())
    for _ in range(4):
        _fail(throttle, "alice")
    assert _retry_after(throttle, "alice") is None


def test_the_fifth_failure_blocks_until_the_first_leaves_the_window() -> None:
    clock = FakeClock()
    throttle = _throttle(clock)
    _fail(throttle, "alice")
    clock.advance(60)
    for _ in range(4):
        _fail(throttle, "alice")

    assert _retry_after(throttle, "alice") == 240
    clock.advance(239.5)
    assert _retry_after(throttle, "alice") == 1, "a fraction of a second still rounds up"
    clock.advance(0.5)
    assert _retry_after(throttle, "alice") is None


def test_failures_older_than_the_window_do_not_count() -> None:
    clock = FakeClock()
    throttle = _throttle(clock)
    for _ in range(4):
        _fail(throttle, "alice")
    clock.advance(WINDOW)
    _fail(throttle, "alice")
    assert _retry_after(throttle, "alice") is None


def test_a_blocked_name_raises_429_with_retry_after() -> None:
    throttle = _throttle(FakeClock())
    for _ in range(5):
        _fail(throttle, "alice")
    with pytest.raises(TooManyRequestsError) as raised:
        throttle.reserve("alice")
    assert raised.value.status_code == 429
    assert raised.value.headers == {"Retry-After": "300"}


def test_a_success_clears_only_its_own_username() -> None:
    throttle = _throttle(FakeClock())
    for _ in range(4):
        _fail(throttle, "alice")
        _fail(throttle, "bob")
    throttle.record_success(throttle.reserve("alice"))
    _fail(throttle, "alice")
    _fail(throttle, "bob")
    assert _retry_after(throttle, "alice") is None
    assert _retry_after(throttle, "bob") == 300


def test_memory_is_bounded_by_forgetting_the_stalest_usernames() -> None:
    throttle = _throttle(FakeClock(), max_tracked_usernames=3)
    for name in ("a", "b", "c", "d"):
        _fail(throttle, name)
    assert _tracked(throttle) == 3
    for _ in range(4):
        _fail(throttle, "d")
    assert _retry_after(throttle, "d") is not None, "the newest name must be the one kept"


def test_by_default_ten_thousand_usernames_are_remembered() -> None:
    throttle = LoginThrottle(
        MemoryThrottleStore(), max_failures=5, window_seconds=WINDOW, clock=FakeClock()
    )
    for number in range(10_001):
        _fail(throttle, f"guess{number}")
    assert _tracked(throttle) == 10_000


def test_every_limit_comes_from_the_settings(test_settings: Settings) -> None:
    settings = test_settings.model_copy(
        update={
            "login_max_failures": 2,
            "login_window_seconds": 60.0,
            "login_max_tracked_usernames": 2,
        }
    )
    throttle = LoginThrottle.from_settings(settings, clock=FakeClock())

    for name in ("ann", "ben", "cat", "cat"):
        _fail(throttle, name)

    assert _tracked(throttle) == 2
    assert _retry_after(throttle, "cat") == 60


def test_expired_entries_are_dropped_when_looked_at() -> None:
    clock = FakeClock()
    throttle = _throttle(clock)
    _fail(throttle, "alice")
    clock.advance(WINDOW + 1)
    assert _retry_after(throttle, "alice") is None
    assert _tracked(throttle) == 0


# --- through the login route -------------------------------------------------------------------


def test_after_five_failures_even_the_right_password_gets_429(
    client: TestClient, login_clock: FakeClock
) -> None:
    user: User = UserFactory()
    assert [_log_in(client, user.username, WRONG) for _ in range(5)] == [401] * 5

    response = client.post("/token", data={"username": user.username, "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert response.json() == {"detail": TOO_MANY_FAILURES}
    assert response.headers["Retry-After"] == "300"


def test_the_block_lifts_when_the_window_passes(client: TestClient, login_clock: FakeClock) -> None:
    user: User = UserFactory()
    for _ in range(5):
        _log_in(client, user.username, WRONG)
    login_clock.advance(299)
    assert _log_in(client, user.username, DEFAULT_PASSWORD) == 429

    login_clock.advance(1)

    assert _log_in(client, user.username, DEFAULT_PASSWORD) == 200


def test_attempts_while_blocked_do_not_extend_the_block(
    client: TestClient, login_clock: FakeClock
) -> None:
    user: User = UserFactory()
    for _ in range(5):
        _log_in(client, user.username, WRONG)
    for _ in range(3):
        login_clock.advance(60)
        assert _log_in(client, user.username, WRONG) == 429

    login_clock.advance(120)

    assert _log_in(client, user.username, DEFAULT_PASSWORD) == 200


def test_one_blocked_username_does_not_block_another(
    client: TestClient, login_clock: FakeClock
) -> None:
    target: User = UserFactory()
    bystander: User = UserFactory()
    for _ in range(5):
        _log_in(client, target.username, WRONG)

    assert _log_in(client, bystander.username, DEFAULT_PASSWORD) == 200
    assert _log_in(client, target.username, DEFAULT_PASSWORD) == 429


def test_a_successful_login_resets_the_count(client: TestClient, login_clock: FakeClock) -> None:
    user: User = UserFactory()
    for _ in range(4):
        _log_in(client, user.username, WRONG)
    assert _log_in(client, user.username, DEFAULT_PASSWORD) == 200

    assert [_log_in(client, user.username, WRONG) for _ in range(4)] == [401] * 4
    assert _log_in(client, user.username, DEFAULT_PASSWORD) == 200


def test_unknown_usernames_are_throttled_too(client: TestClient, login_clock: FakeClock) -> None:
    # Otherwise the 429 itself would tell an attacker which usernames exist.
    for _ in range(5):
        _log_in(client, "nobody_here", WRONG)
    assert _log_in(client, "nobody_here", WRONG) == 429


def test_the_app_keeps_one_throttle_configured_from_settings(client: TestClient) -> None:
    throttle = client.app.state.login_throttle  # type: ignore[attr-defined]
    settings = client.app.state.settings  # type: ignore[attr-defined]
    assert isinstance(throttle, LoginThrottle)
    assert isinstance(throttle.store, MemoryThrottleStore), "no REDIS_URL: this process's memory"
    assert (throttle.max_failures, throttle.window_seconds) == (5, 300.0)
    assert (settings.login_max_failures, settings.login_window_seconds) == (5, 300.0)
