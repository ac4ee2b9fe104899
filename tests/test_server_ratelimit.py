"""Rate limits and session caps, in-process and in real Redis (shared by two "workers")."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import pytest
import redis
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from core.settings import Settings
from server.ratelimit import (
    Limit,
    MemoryRateLimitBackend,
    RateDecision,
    RateLimitBackend,
    RateLimiter,
    RedisRateLimitBackend,
    client_ip,
    rate_limit_error,
)
from tests.servers import RedisServer

MakeBackend = Callable[[], RateLimitBackend]


def settings_with(tmp_path: Path, **limits: Any) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path / "data", **limits)


@pytest.fixture(params=["memory", "redis"])
def make_backend(request: pytest.FixtureRequest) -> MakeBackend:
    """Backends to build inside the test's event loop; Redis ones share one real server."""
    if request.param == "memory":
        shared = MemoryRateLimitBackend()
        return lambda: shared
    server: RedisServer = request.getfixturevalue("redis_server")
    return lambda: RedisRateLimitBackend(server.url)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


async def hits(limiter: RateLimiter, n: int, ip: str, session: str | None = None) -> list[bool]:
    return [(await limiter.check(ip, session)).allowed for _ in range(n)]


def test_ip_rate(tmp_path: Path, make_backend: MakeBackend) -> None:
    async def scenario() -> None:
        limiter = RateLimiter(make_backend(), settings_with(tmp_path, ip_requests_per_minute=3))
        assert await hits(limiter, 3, "10.0.0.1") == [True, True, True]
        refused = await limiter.check("10.0.0.1")
        assert not refused.allowed
        assert refused.limit_name == "ip_requests_per_minute"
        assert 55 <= refused.retry_after_s <= 60
        assert (await limiter.check("10.0.0.2")).allowed  # another client
        await limiter.close()

    run(scenario)


def test_session_rate_and_caps(tmp_path: Path, make_backend: MakeBackend) -> None:
    settings = settings_with(
        tmp_path,
        ip_requests_per_minute=100,
        session_requests_per_minute=2,
        max_sessions_per_ip=2,
        max_sessions_total=3,
    )

    async def scenario() -> None:
        limiter = RateLimiter(make_backend(), settings, session_window_s=600)
        assert await hits(limiter, 2, "10.0.0.1", "s1") == [True, True]
        third = await limiter.check("10.0.0.1", "s1")
        assert (third.allowed, third.limit_name) == (False, "session_requests_per_minute")

        assert (await limiter.check("10.0.0.1", "s2")).allowed
        capped = await limiter.check("10.0.0.1", "s3")  # a third session from one IP
        assert (capped.allowed, capped.limit_name) == (False, "max_sessions_per_ip")
        assert 590 <= capped.retry_after_s <= 600  # when s1 stops counting as active
        assert (await limiter.check("10.0.0.2", "s3")).allowed  # from another IP it is fine

        assert (await limiter.check("10.0.0.1", "s2")).allowed  # known sessions go on
        total = await limiter.check("10.0.0.3", "s4")  # s1, s2, s3 active: the service is full
        assert (total.allowed, total.limit_name) == (False, "max_sessions_total")
        await limiter.close()

    run(scenario)


def test_a_refused_request_uses_no_quota(tmp_path: Path, make_backend: MakeBackend) -> None:
    settings = settings_with(tmp_path, ip_requests_per_minute=2, session_requests_per_minute=1)

    async def scenario() -> None:
        limiter = RateLimiter(make_backend(), settings)
        assert (await limiter.check("10.0.0.9", "a")).allowed
        assert not (await limiter.check("10.0.0.9", "a")).allowed  # session "a" is over
        assert (await limiter.check("10.0.0.9", "b")).allowed  # so the IP still had room
        assert (await limiter.check("10.0.0.9", "c")).limit_name == "ip_requests_per_minute"
        await limiter.close()

    run(scenario)


def test_a_limit_of_zero_is_off(tmp_path: Path, make_backend: MakeBackend) -> None:
    settings = settings_with(tmp_path, ip_requests_per_minute=0, max_sessions_total=0)

    async def scenario() -> None:
        limiter = RateLimiter(make_backend(), settings)
        assert await hits(limiter, 5, "10.0.0.1", "s1") == [True] * 5
        await limiter.close()

    run(scenario)


def test_the_window_slides_in_memory() -> None:
    now = [1000.0]
    backend = MemoryRateLimitBackend(clock=lambda: now[0])
    limit = [Limit("per_minute", "k", 2, 60.0)]

    async def at(t: float) -> RateDecision:
        now[0] = 1000.0 + t
        return await backend.hit(limit)

    async def scenario() -> None:
        assert (await at(0)).allowed and (await at(30)).allowed
        assert (await at(59)) == RateDecision(False, 1, "per_minute")
        assert (await at(61)).allowed  # the hit at 0 left the window
        assert (await at(62)) == RateDecision(False, 28, "per_minute")  # the hit at 30 is next

    run(scenario)


def test_the_window_slides_in_redis(redis_server: RedisServer) -> None:
    limit = [Limit("per_second", "k", 2, 1.0)]

    async def scenario() -> None:
        backend = RedisRateLimitBackend(redis_server.url)
        assert (await backend.hit(limit)).allowed and (await backend.hit(limit)).allowed
        assert await backend.hit(limit) == RateDecision(False, 1, "per_second")
        await asyncio.sleep(1.05)
        assert (await backend.hit(limit)).allowed
        await backend.close()

    run(scenario)
    ttl_ms = redis.Redis.from_url(redis_server.url).pttl("rag:rl:k")
    assert 0 < ttl_ms <= 1000  # keys expire with their window


def test_two_workers_share_one_window_in_redis(tmp_path: Path, redis_server: RedisServer) -> None:
    settings = settings_with(tmp_path, ip_requests_per_minute=3)

    async def scenario() -> None:
        worker_a = RateLimiter(RedisRateLimitBackend(redis_server.url), settings)
        worker_b = RateLimiter(RedisRateLimitBackend(redis_server.url), settings)
        assert await hits(worker_a, 2, "10.0.0.1") == [True, True]
        assert await hits(worker_b, 2, "10.0.0.1") == [True, False]
        assert not (await worker_a.check("10.0.0.1")).allowed
        await worker_a.close()
        await worker_b.close()

    run(scenario)


def make_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Created inside the server's event loop: the Redis client belongs to that loop.
        app.state.limiter = RateLimiter.from_settings(settings)
        yield
        await app.state.limiter.close()

    async def rate_limited(request: Request, session_id: str | None = None) -> None:
        decision = await request.app.state.limiter.check(client_ip(request.scope), session_id)
        if not decision.allowed:
            raise rate_limit_error(decision)

    app = FastAPI(lifespan=lifespan)

    @app.post("/ask")
    def ask(_: Annotated[None, Depends(rate_limited)]) -> dict[str, str]:
        return {"answer": "42"}

    return app


@pytest.mark.parametrize("with_redis", [False, True])
def test_a_refusal_is_a_429_with_retry_after(
    tmp_path: Path, request: pytest.FixtureRequest, with_redis: bool
) -> None:
    url = request.getfixturevalue("redis_server").url if with_redis else None
    settings = settings_with(
        tmp_path, redis_url=url, ip_requests_per_minute=100, max_sessions_per_ip=1
    )
    with TestClient(make_app(settings)) as client:
        assert client.post("/ask", params={"session_id": "one"}).status_code == 200
        response = client.post("/ask", params={"session_id": "two"})
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 3590 <= retry_after <= 3600
    assert response.json() == {
        "detail": f"rate limit exceeded (max_sessions_per_ip): retry in {retry_after} s"
    }


def test_redis_down_fails_open_to_per_process_limits(
    tmp_path: Path, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_with(tmp_path, ip_requests_per_minute=2)

    async def scenario() -> None:
        backend = RedisRateLimitBackend(redis_server.url, retry_s=0.3)
        limiter = RateLimiter(backend, settings)
        assert (await limiter.check("10.0.0.1")).allowed  # counted in Redis

        redis_server.kill()
        with caplog.at_level(logging.WARNING, logger="server.ratelimit"):
            started = time.monotonic()
            # Still answering, from this process's own window: no error, and still limiting.
            assert await hits(limiter, 3, "10.0.0.1") == [True, True, False]
            assert time.monotonic() - started < 2
        warnings = [r.getMessage() for r in caplog.records if r.name == "server.ratelimit"]
        assert len(warnings) == 1  # one warning, then Redis is left alone for retry_s
        assert "Redis unavailable" in warnings[0]

        redis_server.start()  # same port
        await asyncio.sleep(0.35)
        assert (await limiter.check("10.0.0.7")).allowed
        await limiter.close()

    run(scenario)
    assert redis.Redis.from_url(redis_server.url).zcard("rag:rl:ip:10.0.0.7") == 1  # back on Redis
