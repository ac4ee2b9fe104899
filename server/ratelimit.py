"""Sliding-window rate limits per client IP and per session, and caps on active sessions.

Every limit is one sorted set of (member, last-seen time) inside a window:

- a request rate counts each request as a new member: at most ``limit`` requests per window;
- a session cap uses the session id as the member: at most ``limit`` distinct sessions seen in
  the window, and a session already counted is always let through (and refreshed).

A request is checked against all its limits at once and recorded only if every one allows it,
so a refused request never uses up quota. With ``REDIS_URL`` the sets live in Redis and one Lua
script does the check-and-record atomically on Redis's clock, so every worker and replica shares
the same windows. Without it they live in the process.

Redis down: the limiter fails open to per-process windows (logged as a warning, retried every
``retry_s``), never a 500. Limits then apply per worker, which still stops a flood, and a
limiter outage doesn't take the service down with it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.exceptions import RedisError
from starlette.exceptions import HTTPException
from starlette.types import Scope

from core.settings import Settings
from graph.sessions import redis_client

log = logging.getLogger(__name__)

MINUTE_S = 60.0
KEY_PREFIX = "rag:rl:"
REDIS_TIMEOUT_S = 0.5
REDIS_CONNECTIONS = 8  # one check at a time per connection; more requests wait for one


@dataclass(frozen=True)
class Limit:
    name: str  # reported in the decision: the setting that refused the request
    key: str
    limit: int
    window_s: float
    member: str | None = None  # None: a request rate; else a distinct-members cap


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after_s: int = 0
    limit_name: str | None = None  # set when refused


ALLOWED = RateDecision(True)


class RateLimitBackend(Protocol):
    async def hit(self, limits: Sequence[Limit]) -> RateDecision:
        """Check every limit; record the hit in all of them only if all allow it."""
        ...

    async def close(self) -> None: ...


def _refused(limit: Limit, retry_after_s: float) -> RateDecision:
    return RateDecision(False, max(1, math.ceil(retry_after_s)), limit.name)


class MemoryRateLimitBackend:
    """Per-process windows; also the Redis backend's fallback."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sweep_every: int = 1000):
        self._clock = clock
        # key -> member -> last-seen time, oldest first (refreshing moves a member to the end).
        self._sets: dict[str, OrderedDict[str, float]] = {}
        self._windows: dict[str, float] = {}
        self._lock = threading.Lock()
        self._sweep_every = sweep_every
        self._hits = 0

    async def hit(self, limits: Sequence[Limit]) -> RateDecision:
        with self._lock:
            return self._hit(limits)

    def _hit(self, limits: Sequence[Limit]) -> RateDecision:
        now = self._clock()
        self._hits += 1
        if self._hits % self._sweep_every == 0:
            # Clients that went away leave sets nobody prunes: drop the expired ones now and then.
            for key in list(self._sets):
                self._prune(key, now - self._windows[key])
        event = uuid.uuid4().hex
        for limit in limits:
            members = self._prune(limit.key, now - limit.window_s)
            member = limit.member or event
            if member not in members and len(members) >= limit.limit:
                oldest = next(iter(members.values()))
                return _refused(limit, oldest + limit.window_s - now)
        for limit in limits:
            members = self._sets.setdefault(limit.key, OrderedDict())
            self._windows[limit.key] = limit.window_s
            member = limit.member or event
            members[member] = now
            members.move_to_end(member)
        return ALLOWED

    def _prune(self, key: str, cutoff: float) -> OrderedDict[str, float]:
        members = self._sets.get(key)
        if members is None:
            return OrderedDict()
        while members and next(iter(members.values())) <= cutoff:
            members.popitem(last=False)
        if not members:
            del self._sets[key], self._windows[key]
        return members

    async def close(self) -> None:
        """Nothing to release."""


# KEYS: one sorted set per limit. ARGV[1]: a unique id for this request; then, per limit,
# the limit, the window in ms and the member ("" = this request).
_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function arg(i, field) return ARGV[1 + (i - 1) * 3 + field] end
for i, key in ipairs(KEYS) do
  local limit, window = tonumber(arg(i, 1)), tonumber(arg(i, 2))
  local member = arg(i, 3)
  if member == '' then member = ARGV[1] end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if not redis.call('ZSCORE', key, member) and redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {i, tonumber(oldest[2]) + window - now}
  end
end
for i, key in ipairs(KEYS) do
  local member = arg(i, 3)
  if member == '' then member = ARGV[1] end
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, arg(i, 2))
end
return {0, 0}
"""


class RedisRateLimitBackend:
    """Windows shared through Redis; per-process windows while Redis is unreachable."""

    def __init__(self, url: str, *, retry_s: float = 5.0) -> None:
        # Short timeouts: a limiter must answer fast, and when Redis is gone the fallback
        # answers instead.
        self._client = redis_client(
            url, max_connections=REDIS_CONNECTIONS, timeout_s=REDIS_TIMEOUT_S
        )
        self._script = self._client.register_script(_LUA)
        self._fallback = MemoryRateLimitBackend()
        self._retry_s = retry_s
        self._down_until = 0.0

    async def hit(self, limits: Sequence[Limit]) -> RateDecision:
        if time.monotonic() < self._down_until:
            return await self._fallback.hit(limits)
        args: list[str | int] = [uuid.uuid4().hex]
        for limit in limits:
            args += [limit.limit, math.ceil(limit.window_s * 1000), limit.member or ""]
        try:
            index, retry_ms = await self._script(
                keys=[KEY_PREFIX + limit.key for limit in limits], args=args
            )
        except RedisError as exc:
            self._down_until = time.monotonic() + self._retry_s
            log.warning(
                "rate limiter: Redis unavailable (%s); per-process limits for the next %.0f s",
                exc,
                self._retry_s,
            )
            return await self._fallback.hit(limits)
        if index == 0:
            return ALLOWED
        return _refused(limits[int(index) - 1], int(retry_ms) / 1000)

    async def close(self) -> None:
        await self._client.aclose()


class RateLimiter:
    """The service's policy: per-IP and per-session request rates, sessions per IP and in total.

    A session counts as active for ``session_window_s`` after its last request. A limit set to
    0 is off.
    """

    def __init__(
        self, backend: RateLimitBackend, settings: Settings, *, session_window_s: float = 3600.0
    ) -> None:
        self._backend = backend
        self._settings = settings
        self._session_window_s = session_window_s

    @classmethod
    def from_settings(cls, settings: Settings, *, session_window_s: float = 3600.0) -> RateLimiter:
        """Redis-backed when ``redis_url`` is set; create it inside the running event loop."""
        backend: RateLimitBackend = (
            RedisRateLimitBackend(settings.redis_url)
            if settings.redis_url
            else MemoryRateLimitBackend()
        )
        return cls(backend, settings, session_window_s=session_window_s)

    async def check(self, client_ip: str, session_id: str | None = None) -> RateDecision:
        """Pass the session id the request will use (a new one too), or None for no session."""
        s = self._settings
        limits = [
            Limit("ip_requests_per_minute", f"ip:{client_ip}", s.ip_requests_per_minute, MINUTE_S)
        ]
        if session_id is not None:
            window = self._session_window_s
            limits += [
                Limit(
                    "session_requests_per_minute",
                    f"session:{session_id}",
                    s.session_requests_per_minute,
                    MINUTE_S,
                ),
                Limit(
                    "max_sessions_per_ip",
                    f"ip-sessions:{client_ip}",
                    s.max_sessions_per_ip,
                    window,
                    session_id,
                ),
                Limit("max_sessions_total", "sessions", s.max_sessions_total, window, session_id),
            ]
        return await self._backend.hit([limit for limit in limits if limit.limit > 0])

    async def check_login(self, client_ip: str) -> RateDecision:
        """Password attempts per IP, on top of the request rate: slows guessing."""
        limit = self._settings.login_attempts_per_minute
        if limit <= 0:
            return ALLOWED
        return await self._backend.hit(
            [Limit("login_attempts_per_minute", f"login:{client_ip}", limit, MINUTE_S)]
        )

    async def close(self) -> None:
        await self._backend.close()


def client_ip(scope: Scope) -> str:
    """The peer address; behind a proxy, run uvicorn with --forwarded-allow-ips so it is real."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def rate_limit_error(decision: RateDecision) -> HTTPException:
    """The 429 for a refusal, with Retry-After; raise it from a route or dependency."""
    return HTTPException(
        429,
        f"rate limit exceeded ({decision.limit_name}): retry in {decision.retry_after_s} s",
        headers={"Retry-After": str(decision.retry_after_s)},
    )
