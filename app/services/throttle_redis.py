"""The login throttle's shared store: Redis, when REDIS_URL is set.

Every worker and replica pointed at one Redis shares one count per username, so the limit holds
for the whole deployment. Each username's attempts are a sorted set (score: when the attempt
was made; member: its state and token) changed only by the Lua scripts below, which Redis runs
one at a time: reserving, failing and succeeding are atomic across every process.

Why not the `limits` library: its moving window takes a place atomically (`hit`) and reads
Retry-After (`get_window_stats`), but a success can only `clear` the whole key, erasing the
places of guesses still being checked, and it reads the clock itself, in whole seconds, so
the rule could not be tested on an injected clock. The rule is ~20 lines of Lua here instead.

Times come from the callers' clocks (wall-clock seconds; LoginThrottle.from_settings), so the
hosts sharing a Redis should keep their clocks in sync (NTP): a skew of a second moves a
five-minute window by a second.
"""

from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.retry import Retry

from app.config import Settings
from app.services.throttle_store import StoreUnavailable

# KEYS[1]: the username's attempts. ARGV: now, window (seconds), limit, token.
# Returns nothing when a place was taken, else the seconds until one frees (as a string:
# Redis would cut a Lua number to an integer).
RESERVE = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
    local blocking = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
    return tostring(tonumber(blocking[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, 'pending:' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return false
"""

# KEYS[1]: the username's attempts. ARGV: token. The pending place becomes a failure, made when
# the attempt was.
FAIL = """
local at = redis.call('ZSCORE', KEYS[1], 'pending:' .. ARGV[1])
if at then
    redis.call('ZREM', KEYS[1], 'pending:' .. ARGV[1])
    redis.call('ZADD', KEYS[1], at, 'failed:' .. ARGV[1])
end
return false
"""

# KEYS[1]: the username's attempts. ARGV: token. Gives back this place and every failure;
# places still pending stay.
SUCCEED = """
redis.call('ZREM', KEYS[1], 'pending:' .. ARGV[1])
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if string.sub(member, 1, 7) == 'failed:' then
        redis.call('ZREM', KEYS[1], member)
    end
end
return false
"""


class RedisThrottleStore:
    def __init__(self, client: redis.Redis, *, key_prefix: str) -> None:
        self.client = client
        self.key_prefix = key_prefix
        self._reserve = client.register_script(RESERVE)
        self._fail = client.register_script(FAIL)
        self._succeed = client.register_script(SUCCEED)

    @classmethod
    def from_settings(cls, settings: Settings) -> "RedisThrottleStore":
        assert settings.redis_url is not None, "a Redis store needs REDIS_URL"
        client = redis.Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=settings.redis_timeout_seconds,
            socket_timeout=settings.redis_timeout_seconds,
            # One retry, at once (a pooled connection Redis closed on restart), then the answer:
            # redis-py's default, ten retries with backoff, would hold a login for seconds.
            retry=Retry(NoBackoff(), 1),
        )
        return cls(client, key_prefix=settings.redis_key_prefix)

    def reserve(
        self, key: str, token: str, *, now: float, limit: int, window: float
    ) -> float | None:
        wait = self._run(self._reserve, key, repr(now), repr(window), limit, token)
        return None if wait is None else float(wait)

    def fail(self, key: str, token: str) -> None:
        self._run(self._fail, key, token)

    def succeed(self, key: str, token: str) -> None:
        self._run(self._succeed, key, token)

    def release(self, key: str, token: str) -> None:
        try:
            self.client.zrem(self._key(key), f"pending:{token}")
        except redis.RedisError as exc:
            raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        self.client.close()

    def _key(self, key: str) -> str:
        return f"{self.key_prefix}login-attempts:{key}"

    def _run(self, script: Script, key: str, *args: str | int) -> Any:
        try:
            return script(keys=[self._key(key)], args=list(args))
        except redis.RedisError as exc:
            raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
