"""Password hashing and access tokens, tested on the functions themselves."""

import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.config import Settings
from app.security import (
    InvalidTokenError,
    PasswordHasher,
    create_access_token,
    decode_access_token,
)
from tests.support.tokens import REJECTED_TOKENS, TokenMaker, signed


def _cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost_kib=8, parallelism=1)


# --- hashing -----------------------------------------------------------------------------


def test_production_argon2_parameters_are_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    # The harness hashes cheaply; this is what ships, and the hash itself records it.
    for name in ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST_KIB", "ARGON2_PARALLELISM"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    hashed = PasswordHasher.from_settings(settings).hash("correct-horse-battery")

    assert (settings.argon2_time_cost, settings.argon2_memory_cost_kib) == (3, 65536)
    assert settings.argon2_parallelism == 4
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_hash_records_the_parameters_it_was_made_with() -> None:
    hashed = PasswordHasher(time_cost=2, memory_cost_kib=16, parallelism=1).hash("x" * 8)
    assert hashed.startswith("$argon2id$v=19$m=16,t=2,p=1$")


def test_a_hash_verifies_its_password_only() -> None:
    hasher = _cheap_hasher()
    hashed = hasher.hash("correct-horse-battery")

    assert "correct-horse-battery" not in hashed
    assert hasher.verify("correct-horse-battery", hashed)
    assert not hasher.verify("correct-horse-batterY", hashed)


def test_hashes_are_salted() -> None:
    hasher = _cheap_hasher()
    assert hasher.hash("same password") != hasher.hash("same password")


def test_a_hash_keeps_verifying_after_the_parameters_change() -> None:
    # Raising the cost in production must not lock out users hashed under the old cost.
    old = PasswordHasher(time_cost=2, memory_cost_kib=16, parallelism=1).hash("old-password")
    assert _cheap_hasher().verify("old-password", old)


def test_burn_time_costs_one_real_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = _cheap_hasher()
    calls: list[str] = []
    real_verify = hasher.argon2.verify

    def counting_verify(password: str, hashed: str) -> bool:
        calls.append(hashed)
        return real_verify(password, hashed)

    monkeypatch.setattr(hasher.argon2, "verify", counting_verify)

    hasher.burn_time("whatever the caller typed")

    assert len(calls) == 1
    assert calls[0].startswith("$argon2id$")


# --- tokens ------------------------------------------------------------------------------


def test_a_token_carries_the_user_id_and_its_lifetime(test_settings: Settings) -> None:
    issued = create_access_token(42, test_settings)

    assert issued.expires_in == test_settings.access_token_expire_minutes * 60
    assert decode_access_token(issued.access_token, test_settings).user_id == 42


def test_a_token_is_hs256_with_sub_iat_and_exp(test_settings: Settings) -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    token = create_access_token(7, test_settings, now=now).access_token

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})

    assert header["alg"] == "HS256"
    assert claims == {
        "sub": "7",
        "iat": int(now.timestamp()),
        "exp": int(
            (now + timedelta(minutes=test_settings.access_token_expire_minutes)).timestamp()
        ),
    }


@pytest.mark.usefixtures("local_time_not_utc")
def test_a_token_issued_now_is_valid_now_whatever_the_local_time_zone(
    test_settings: Settings,
) -> None:
    before = int(time.time())
    token = create_access_token(5, test_settings).access_token

    claims = jwt.decode(token, options={"verify_signature": False})
    assert before <= claims["iat"] <= time.time()
    assert decode_access_token(token, test_settings).user_id == 5


@pytest.mark.parametrize("make_token", REJECTED_TOKENS.values(), ids=REJECTED_TOKENS.keys())
def test_a_bad_token_is_rejected(test_settings: Settings, make_token: TokenMaker) -> None:
    with pytest.raises(InvalidTokenError):
        decode_access_token(make_token(test_settings), test_settings)


def test_the_largest_64_bit_id_is_still_a_user_id(test_settings: Settings) -> None:
    token = signed(test_settings, str(2**63 - 1))
    assert decode_access_token(token, test_settings).user_id == 2**63 - 1


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        pytest.param("expired", "Signature has expired", id="from PyJWT"),
        pytest.param("sub not numeric", "subject is not a user id", id="not digits"),
        pytest.param("sub beyond a 64-bit id", "subject is not a user id", id="too large"),
    ],
)
def test_a_rejected_token_says_why(test_settings: Settings, token: str, reason: str) -> None:
    # Clients only ever see "Could not validate credentials"; the reason is for whoever debugs.
    with pytest.raises(InvalidTokenError) as rejected:
        decode_access_token(REJECTED_TOKENS[token](test_settings), test_settings)
    assert str(rejected.value) == reason
