"""The machine's Redis for the tests that need one, with a key prefix of their own.

TEST_REDIS_URL names it (redis://127.0.0.1:6379/0 by default: this machine's, and what .ci/run
starts). Tests that need it are skipped, with the reason, when nothing answers there; with
REQUIRE_REDIS=1 (set by .ci/run) they fail instead, so CI can never pass by skipping them.
Every test gets a key prefix unique to its worker, process and itself, so parallel runs and
workers never see each other's keys, and its keys are deleted afterwards.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from tests.harness.databases import worker_id

DEFAULT_URL = "redis://127.0.0.1:6379/0"
PING_SECONDS = 1.0


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", DEFAULT_URL)


def required() -> bool:
    return os.environ.get("REQUIRE_REDIS", "") == "1"


def answering_redis(url: str) -> str:
    """`url` if a Redis answers there; otherwise skip the test, or fail it under REQUIRE_REDIS=1."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=PING_SECONDS, socket_timeout=PING_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"no Redis answers at {url} ({exc}): start one, or set TEST_REDIS_URL"
        if required():
            pytest.fail(f"REQUIRE_REDIS=1 and {reason}")
        pytest.skip(reason)
    finally:
        client.close()
    return url


def unique_prefix() -> str:
    return f"test:{worker_id()}:{os.getpid()}:{uuid.uuid4().hex}:"


@contextmanager
def keys_under(url: str, prefix: str) -> Iterator[None]:
    """Deletes every key under `prefix` when the block ends."""
    try:
        yield
    finally:
        client = redis.Redis.from_url(url)
        try:
            stale = list(client.scan_iter(match=f"{prefix}*"))
            if stale:
                client.delete(*stale)
        finally:
            client.close()
