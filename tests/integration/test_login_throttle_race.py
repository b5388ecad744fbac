"""The login throttle under concurrency: at most LOGIN_MAX_FAILURES passwords are checked per
window, however many attempts arrive at once.

Each attempt takes its place in the window before its password is checked, and gives it back
only if the password was right. Here the password check is held open by a gate, so attempts
are truly in flight together, deterministically; then the same rule is shown on a real uvicorn
with real parallel clients (and a real argon2id), over SQLite and PostgreSQL.
"""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from itertools import islice
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.config import Settings
from app.database import make_engine
from app.errors import AuthenticationError, TooManyRequestsError
from app.models import Base, User
from app.security import PasswordHasher
from app.services.login import log_in
from app.services.throttle import LoginThrottle
from tests.support.fakes.clock import FakeClock
from tests.support.uvicorn_server import Server, fire_at_once, migrated_database, serving

RIGHT = "correct-horse-battery"
WRONG = "not-the-password"
MAX_FAILURES = 5
WINDOW = 300.0
GATE_SECONDS = 5.0
# argon2id at its floor, as in the rest of the suite: these tests are about the order of events.
FAST_HASHING = {"time_cost": 1, "memory_cost_kib": 8, "parallelism": 1}


class GatedHasher(PasswordHasher):
    """A cheap argon2id whose checks of a wrong password wait at a gate the test opens."""

    def __init__(self) -> None:
        super().__init__(**FAST_HASHING)
        self.gate = threading.Event()
        self.arrived = threading.Semaphore(0)
        self.checks: list[str] = []
        self._lock = threading.Lock()

    def verify(self, password: str, hashed: str) -> bool:
        with self._lock:
            self.checks.append(password)
        if password != RIGHT:
            self.arrived.release()
            assert self.gate.wait(GATE_SECONDS), "the test never opened the gate"
        return super().verify(password, hashed)

    def close_gate(self) -> None:
        """From now on, checks of a wrong password wait again; earlier arrivals are forgotten."""
        self.gate.clear()
        self.arrived = threading.Semaphore(0)

    def wait_for_checks_in_flight(self, count: int) -> None:
        for _ in range(count):
            assert self.arrived.acquire(timeout=GATE_SECONDS), "an attempt never reached its check"


@pytest.fixture
def logins_db(tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own: the attempts run in threads, each with its own session."""
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'logins.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def gated_hasher() -> GatedHasher:
    return GatedHasher()


@pytest.fixture
def alice(logins_db: Engine, gated_hasher: GatedHasher) -> str:
    with Session(logins_db) as db:
        hashed = gated_hasher.hash(RIGHT)
        db.add(User(username="alice", email="alice@example.com", hashed_password=hashed))
        db.commit()
    return "alice"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttle(test_settings: Settings, clock: FakeClock) -> LoginThrottle:
    limits = {"login_max_failures": MAX_FAILURES, "login_window_seconds": WINDOW}
    return LoginThrottle.from_settings(test_settings.model_copy(update=limits), clock=clock)


Attempt = Callable[[str], "Future[str]"]


@pytest.fixture
def attempt(
    logins_db: Engine, gated_hasher: GatedHasher, throttle: LoginThrottle
) -> Iterator[Callable[[str], "Future[str]"]]:
    """Start a login in a thread of its own; its future says how it ended: 200, 401 or 429."""

    def log_in_once(password: str) -> str:
        with Session(logins_db) as db:
            try:
                log_in(db, "alice", password, gated_hasher, throttle)
            except AuthenticationError:
                return "401"
            except TooManyRequestsError:
                return "429"
        return "200"

    with ThreadPoolExecutor(max_workers=16) as pool:
        yield lambda password: pool.submit(log_in_once, password)
        gated_hasher.gate.set()


def outcomes(futures: list["Future[str]"]) -> Counter[str]:
    return Counter(future.result(timeout=GATE_SECONDS) for future in futures)


def test_attempts_in_flight_count_so_a_burst_checks_only_five_passwords(
    alice: str, gated_hasher: GatedHasher, attempt: Attempt
) -> None:
    in_flight = [attempt(WRONG) for _ in range(MAX_FAILURES)]
    gated_hasher.wait_for_checks_in_flight(MAX_FAILURES)

    refused_at_once = [attempt(WRONG) for _ in range(10)]
    assert outcomes(refused_at_once) == {"429": 10}, "five passwords are being checked already"
    gated_hasher.gate.set()

    assert outcomes(in_flight) == {"401": MAX_FAILURES}
    assert len(gated_hasher.checks) == MAX_FAILURES


def test_the_right_password_sent_while_five_guesses_are_checked_is_refused(
    alice: str, gated_hasher: GatedHasher, attempt: Attempt
) -> None:
    guesses = [attempt(WRONG) for _ in range(MAX_FAILURES)]
    gated_hasher.wait_for_checks_in_flight(MAX_FAILURES)

    right = attempt(RIGHT)

    assert right.result(timeout=GATE_SECONDS) == "429"
    gated_hasher.gate.set()
    assert outcomes(guesses) == {"401": MAX_FAILURES}
    assert RIGHT not in gated_hasher.checks, "a blocked attempt must not even be checked"


def test_when_the_oldest_failure_leaves_the_window_exactly_one_more_try_is_allowed(
    alice: str, gated_hasher: GatedHasher, attempt: Attempt, clock: FakeClock
) -> None:
    gated_hasher.gate.set()
    for _ in range(MAX_FAILURES):
        assert attempt(WRONG).result(timeout=GATE_SECONDS) == "401"
        clock.advance(10)
    gated_hasher.close_gate()
    # The first failure was at 0 s, the last at 40 s; at 300 s only the first has left.
    clock.advance(WINDOW - 50)

    tries = [attempt(WRONG) for _ in range(4)]
    gated_hasher.wait_for_checks_in_flight(1)
    # Whichever thread got there first holds the place (threads start in no promised order):
    # the other three are refused without waiting at the gate.
    refused = list(islice(as_completed(tries, timeout=GATE_SECONDS), 3))
    assert outcomes(refused) == {"429": 3}, "only one place came free"
    (checked,) = [attempt for attempt in tries if attempt not in refused]
    assert not checked.done(), "the one checked waits at the gate"
    gated_hasher.gate.set()
    assert checked.result(timeout=GATE_SECONDS) == "401"

    assert attempt(RIGHT).result(timeout=GATE_SECONDS) == "429", "that failure blocks again"
    assert len(gated_hasher.checks) == MAX_FAILURES + 1


def test_a_success_gives_its_place_back_and_clears_the_failures_before_it(
    alice: str, gated_hasher: GatedHasher, attempt: Attempt
) -> None:
    gated_hasher.gate.set()
    for _ in range(MAX_FAILURES - 1):
        assert attempt(WRONG).result(timeout=GATE_SECONDS) == "401"
    assert attempt(RIGHT).result(timeout=GATE_SECONDS) == "200"

    later = [attempt(WRONG).result(timeout=GATE_SECONDS) for _ in range(MAX_FAILURES + 1)]

    assert later == ["401"] * MAX_FAILURES + ["429"]


def test_a_success_keeps_the_places_of_guesses_still_being_checked(
    alice: str, gated_hasher: GatedHasher, attempt: Attempt
) -> None:
    # Whoever knows the password may sign in meanwhile; the guesses in flight still count.
    guesses = [attempt(WRONG) for _ in range(MAX_FAILURES - 1)]
    gated_hasher.wait_for_checks_in_flight(MAX_FAILURES - 1)

    assert attempt(RIGHT).result(timeout=GATE_SECONDS) == "200"
    one_more = attempt(WRONG)
    gated_hasher.wait_for_checks_in_flight(1)
    assert attempt(WRONG).result(timeout=GATE_SECONDS) == "429"

    gated_hasher.gate.set()
    assert outcomes([*guesses, one_more]) == {"401": MAX_FAILURES}


def test_an_attempt_the_database_could_not_decide_gives_its_place_back(
    alice: str, gated_hasher: GatedHasher, attempt: Attempt, throttle: LoginThrottle, tmp_path: Path
) -> None:
    unreachable = make_engine(f"sqlite+pysqlite:///{tmp_path / 'no-such-directory' / 'x.db'}")
    for _ in range(MAX_FAILURES * 2):
        with Session(unreachable) as db, pytest.raises(OperationalError):
            log_in(db, "alice", WRONG, gated_hasher, throttle)
    unreachable.dispose()
    gated_hasher.gate.set()

    answers = [attempt(WRONG).result(timeout=GATE_SECONDS) for _ in range(MAX_FAILURES + 1)]

    assert answers == ["401"] * MAX_FAILURES + ["429"]


# --- the same rule on a real server with real parallel clients ---------------------------------

BURST = 30
# A real argon2id, if a cheaper one than production: each check takes long enough (~10-20 ms
# here) that a burst overlaps, as ~150 ms production checks do.
RACE_HASHING = {"ARGON2_MEMORY_COST_KIB": "16384", "ARGON2_TIME_COST": "2"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("login-race")
    with (
        migrated_database(directory, "login") as database_url,
        serving(database_url, directory / "server.log", environment=RACE_HASHING) as server,
    ):
        yield server


def register(server: Server, username: str) -> None:
    account = {"email": f"{username}@example.com", "username": username, "password": RIGHT}
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        assert http.post("/users/", json=account).status_code == 201


def test_a_burst_of_wrong_passwords_gets_five_checks_and_the_rest_are_refused(
    server: Server,
) -> None:
    register(server, "burst_target")

    def guess(client: httpx.Client, _n: int) -> httpx.Response:
        return client.post("/token", data={"username": "burst_target", "password": WRONG})

    statuses = fire_at_once(server, guess, clients=BURST)

    assert statuses == Counter({401: MAX_FAILURES, 429: BURST - MAX_FAILURES}), server.log()
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        right = http.post("/token", data={"username": "burst_target", "password": RIGHT})
    assert right.status_code == 429, "after five failures even the right password waits"
