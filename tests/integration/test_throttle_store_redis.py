"""The login throttle's stores: the same rule in this process's memory and in Redis, the limit
held across uvicorn workers sharing Redis, and what a Redis outage does to logins.

The rule's tests run on both stores (parametrized), so the Lua scripts and the Python code are
held to one contract. Redis is the machine's (tests/support/redis_service.py: skipped with the
reason when none answers, failed instead under REQUIRE_REDIS=1, as in CI), each test under a key
prefix of its own.
"""

import logging
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.models import User
from app.services.throttle import (
    STORE_RETRY_AFTER_SECONDS,
    STORE_UNAVAILABLE,
    LoginThrottle,
)
from app.services.throttle_memory import MemoryThrottleStore
from app.services.throttle_redis import RedisThrottleStore
from app.services.throttle_store import StoreUnavailable, ThrottleStore
from tests.harness.schema import build_database
from tests.support.factories import DEFAULT_PASSWORD, UserFactory
from tests.support.fakes.catalog import unused_loopback_port
from tests.support.fakes.clock import FakeClock
from tests.support.redis_service import answering_redis, keys_under, redis_url, unique_prefix
from tests.support.uvicorn_server import Server, fire_at_once, migrated_database, serving

LIMIT = 5
WINDOW = 300.0
NOW = 1_000.0
WRONG = "not-the-password"


@pytest.fixture(scope="session")
def redis_server() -> str:
    return answering_redis(redis_url())


@pytest.fixture
def redis_prefix(redis_server: str) -> Iterator[str]:
    prefix = unique_prefix()
    with keys_under(redis_server, prefix):
        yield prefix


@pytest.fixture
def redis_settings(test_settings: Settings, redis_server: str, redis_prefix: str) -> Settings:
    return test_settings.model_copy(
        update={"redis_url": redis_server, "redis_key_prefix": redis_prefix}
    )


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[ThrottleStore]:
    if request.param == "memory":
        yield MemoryThrottleStore()
        return
    settings: Settings = request.getfixturevalue("redis_settings")
    shared = RedisThrottleStore.from_settings(settings)
    yield shared
    shared.close()


def reserve(store: ThrottleStore, token: str, now: float = NOW, key: str = "alice") -> float | None:
    return store.reserve(key, token, now=now, limit=LIMIT, window=WINDOW)


def places_left(store: ThrottleStore, now: float = NOW, key: str = "alice") -> int:
    """How many more attempts would get a place now (they are given back afterwards)."""
    taken = []
    while reserve(store, f"probe{len(taken)}", now, key) is None:
        taken.append(f"probe{len(taken)}")
    for token in taken:
        store.release(key, token)
    return len(taken)


def test_without_redis_its_tests_are_skipped_but_under_require_redis_they_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nobody = f"redis://127.0.0.1:{unused_loopback_port()}/0"
    monkeypatch.delenv("REQUIRE_REDIS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Redis answers at"):
        answering_redis(nobody)

    monkeypatch.setenv("REQUIRE_REDIS", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_REDIS=1 and no Redis answers at"):
        answering_redis(nobody)


# --- the rule, on both stores -------------------------------------------------------------------


def test_five_places_then_a_refusal_saying_when_one_frees(store: ThrottleStore) -> None:
    assert [reserve(store, f"t{n}") for n in range(LIMIT)] == [None] * LIMIT

    assert reserve(store, "t5", now=NOW + 40.5) == pytest.approx(WINDOW - 40.5)


def test_a_failure_keeps_its_place_and_a_release_gives_it_back(store: ThrottleStore) -> None:
    reserve(store, "failed")
    reserve(store, "undecided")
    store.fail("alice", "failed")
    store.release("alice", "undecided")

    assert places_left(store) == LIMIT - 1


def test_a_success_clears_the_failures_and_its_place_but_not_pending_attempts(
    store: ThrottleStore,
) -> None:
    for token in ("f1", "f2", "pending", "right"):
        reserve(store, token)
    store.fail("alice", "f1")
    store.fail("alice", "f2")

    store.succeed("alice", "right")

    assert places_left(store) == LIMIT - 1, "the attempt still being checked keeps its place"
    store.fail("alice", "pending")
    assert places_left(store) == LIMIT - 1, "and, failed, it counts"


def test_when_the_oldest_leaves_the_window_exactly_one_place_frees(store: ThrottleStore) -> None:
    for n in range(LIMIT):
        reserve(store, f"t{n}", now=NOW + 10 * n)
        store.fail("alice", f"t{n}")
    later = NOW + WINDOW

    assert reserve(store, "one-more", now=later) is None
    assert reserve(store, "another", now=later) == pytest.approx(10.0)
    store.fail("alice", "one-more")
    assert reserve(store, "after-it-failed", now=later + 5) == pytest.approx(5.0)


def test_usernames_are_counted_apart(store: ThrottleStore) -> None:
    for n in range(LIMIT):
        reserve(store, f"t{n}", key="alice")
        store.fail("alice", f"t{n}")

    assert places_left(store, key="bob") == LIMIT
    store.succeed("bob", "never-reserved")
    assert places_left(store, key="alice") == 0


def test_settling_an_attempt_the_store_no_longer_has_changes_nothing(
    store: ThrottleStore,
) -> None:
    store.fail("nobody", "gone")
    store.succeed("nobody", "gone")
    store.release("nobody", "gone")

    assert places_left(store, key="nobody") == LIMIT


def test_simultaneous_reservations_get_exactly_five_places(store: ThrottleStore) -> None:
    attempts = 40
    start = threading.Barrier(attempts, timeout=10)

    def one(n: int) -> bool:
        start.wait()
        return reserve(store, f"t{n}") is None

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        granted = Counter(pool.map(one, range(attempts)))

    assert granted == Counter({True: LIMIT, False: attempts - LIMIT})


# --- Redis specifics ------------------------------------------------------------------------


def test_a_username_s_attempts_expire_from_redis_with_the_window(
    redis_settings: Settings, redis_server: str, redis_prefix: str
) -> None:
    shared = RedisThrottleStore.from_settings(redis_settings)
    reserve(shared, "t0")
    client = redis.Redis.from_url(redis_server)
    try:
        keys = [key.decode() for key in client.scan_iter(match=f"{redis_prefix}*")]
        assert keys == [f"{redis_prefix}login-attempts:alice"]
        assert 0 < client.pttl(keys[0]) <= WINDOW * 1000
    finally:
        client.close()
        shared.close()


OPERATIONS: dict[str, Callable[[ThrottleStore], object]] = {
    "reserve": lambda store: reserve(store, "t0"),
    "fail": lambda store: store.fail("alice", "t0"),
    "succeed": lambda store: store.succeed("alice", "t0"),
    "release": lambda store: store.release("alice", "t0"),
}


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_operation_on_an_unreachable_redis_says_the_store_is_unavailable(
    test_settings: Settings, operation: Callable[[ThrottleStore], object]
) -> None:
    nobody = f"redis://127.0.0.1:{unused_loopback_port()}/0"
    shared = RedisThrottleStore.from_settings(
        test_settings.model_copy(update={"redis_url": nobody})
    )
    try:
        with pytest.raises(StoreUnavailable, match=r"^ConnectionError: "):
            operation(shared)
    finally:
        shared.close()


def test_the_app_keeps_its_counts_in_redis_when_redis_url_is_set(
    redis_settings: Settings, tmp_path: Path
) -> None:
    settings = redis_settings.model_copy(
        update={"database_url": f"sqlite+pysqlite:///{tmp_path / 'app.db'}"}
    )
    build_database(settings.database_url)
    app = create_app(settings)
    try:
        assert isinstance(app.state.login_throttle.store, RedisThrottleStore)
        with TestClient(app) as client:
            guesses = [
                client.post("/token", data={"username": "nobody", "password": WRONG}).status_code
                for _ in range(LIMIT + 1)
            ]
        assert guesses == [401] * LIMIT + [429]
        # A second app on the same Redis (another worker, another replica) sees the same count.
        with TestClient(create_app(settings)) as other:
            again = other.post("/token", data={"username": "nobody", "password": WRONG})
        assert again.status_code == 429
    finally:
        app.state.engine.dispose()


# --- several uvicorn workers sharing Redis ------------------------------------------------------


@pytest.fixture
def two_workers(redis_server: str, redis_prefix: str, tmp_path: Path) -> Iterator[Server]:
    env = {"REDIS_URL": redis_server, "REDIS_KEY_PREFIX": redis_prefix}
    with (
        migrated_database(tmp_path, "workers") as database_url,
        serving(database_url, tmp_path / "server.log", environment=env, workers=2) as server,
    ):
        yield server


def test_two_workers_on_redis_give_five_tries_in_all_not_ten(two_workers: Server) -> None:
    assert two_workers.log().count("Started server process") == 2, two_workers.log()
    answers = []
    for _ in range(20):
        # A new connection each time, so the kernel spreads them over both workers.
        with httpx.Client(base_url=two_workers.base_url, timeout=30) as http:
            guess = {"username": "one_after_another", "password": WRONG}
            answers.append(http.post("/token", data=guess).status_code)

    assert answers == [401] * LIMIT + [429] * 15, two_workers.log()

    def guess_at_once(client: httpx.Client, _n: int) -> httpx.Response:
        return client.post("/token", data={"username": "all_at_once", "password": WRONG})

    burst = fire_at_once(two_workers, guess_at_once, clients=20)
    assert burst == Counter({401: LIMIT, 429: 15}), two_workers.log()


# --- a Redis outage: logins are refused with 503 and Retry-After, never a 500 -----------------


@pytest.fixture
def unanswering_redis() -> Iterator[str]:
    """A port that accepts connections and never answers: Redis hung, or a black hole."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


@contextmanager
def throttle_in(app: FastAPI, throttle: LoginThrottle) -> Iterator[None]:
    """The app's throttle replaced for the block (after the `client` fixture set its own)."""
    previous = app.state.login_throttle
    app.state.login_throttle = throttle
    try:
        yield
    finally:
        app.state.login_throttle = previous
        throttle.close()


@pytest.fixture(params=["refused", "unanswering"])
def redis_down(
    request: pytest.FixtureRequest, app: FastAPI, client: TestClient, test_settings: Settings
) -> Iterator[None]:
    """The app's throttle aimed at a Redis that refuses connections, or accepts and hangs."""
    if request.param == "refused":
        url = f"redis://127.0.0.1:{unused_loopback_port()}/0"
    else:
        url = request.getfixturevalue("unanswering_redis")
    settings = test_settings.model_copy(update={"redis_url": url, "redis_timeout_seconds": 0.2})
    with throttle_in(app, LoginThrottle.from_settings(settings)):
        yield


def test_logins_are_refused_while_redis_is_down_and_nothing_else_is(
    client: TestClient, redis_down: None, member: User, caplog: pytest.LogCaptureFixture
) -> None:
    credentials = {"username": member.username, "password": DEFAULT_PASSWORD}

    response = client.post("/token", data=credentials)

    assert response.status_code == 503, response.text
    assert response.json() == {"detail": STORE_UNAVAILABLE}
    assert response.headers["Retry-After"] == str(STORE_RETRY_AFTER_SECONDS)
    assert "login throttle store unavailable, refusing logins" in caplog.text
    assert client.get("/health").status_code == 200


class StoreLostAfterReserving(MemoryThrottleStore):
    """Takes places, then loses its connection before the outcome is recorded."""

    def fail(self, key: str, token: str) -> None:
        raise StoreUnavailable("connection lost")

    def succeed(self, key: str, token: str) -> None:
        raise StoreUnavailable("connection lost")

    def release(self, key: str, token: str) -> None:
        raise StoreUnavailable("connection lost")


@pytest.fixture
def store_lost_after_reserving(
    app: FastAPI, client: TestClient
) -> Iterator[StoreLostAfterReserving]:
    store = StoreLostAfterReserving()
    throttle = LoginThrottle(store, max_failures=LIMIT, window_seconds=WINDOW, clock=FakeClock())
    with throttle_in(app, throttle):
        yield store


def test_an_outcome_the_store_cannot_record_still_gets_its_answer_and_counts_as_a_failure(
    client: TestClient,
    store_lost_after_reserving: StoreLostAfterReserving,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="app.services.throttle")
    user = UserFactory()
    right = {"username": user.username, "password": DEFAULT_PASSWORD}
    wrong = {**right, "password": WRONG}

    assert client.post("/token", data=right).status_code == 200
    assert [client.post("/token", data=wrong).status_code for _ in range(LIMIT)] == [401] * 4 + [
        429
    ]
    assert "attempt left pending" in caplog.text
