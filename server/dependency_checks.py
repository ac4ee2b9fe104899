"""Do the configured backing services answer? One short check each, for readiness and for the
``rag_dependency_up`` gauge. A dependency that is not configured (sessions in SQLite, embedded
Chroma) is not checked and not reported."""

from __future__ import annotations

import asyncio

import httpx
import psycopg
from redis.asyncio import Redis

from core.settings import Settings

CHECK_TIMEOUT_S = 1.0


async def redis_ok(url: str) -> bool:
    client = Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_S)
    try:
        return bool(await asyncio.wait_for(client.ping(), CHECK_TIMEOUT_S))
    except Exception:
        return False
    finally:
        await client.aclose()


async def postgres_ok(url: str) -> bool:
    """A connection of its own, not one from the service's pool: the check must not wait for a
    pool that busy requests hold."""

    async def select_one() -> bool:
        # libpq's connect_timeout is at least 2 s; wait_for below bounds the whole check.
        async with await psycopg.AsyncConnection.connect(url, connect_timeout=2) as conn:
            await conn.execute("SELECT 1")
            return True

    try:
        return await asyncio.wait_for(select_one(), CHECK_TIMEOUT_S)
    except Exception:
        return False


async def chroma_ok(host: str, port: int) -> bool:
    try:
        async with httpx.AsyncClient(timeout=CHECK_TIMEOUT_S) as client:
            response = await client.get(f"http://{host}:{port}/api/v2/heartbeat")
        return response.is_success
    except httpx.HTTPError:
        return False


async def check_dependencies(settings: Settings) -> dict[str, bool]:
    """``{"redis"|"postgres"|"chroma": answered}`` for the configured ones, checked at once."""
    checks = {}
    if settings.redis_url:
        checks["redis"] = redis_ok(settings.redis_url)
    if settings.database_url:
        checks["postgres"] = postgres_ok(settings.database_url)
    if settings.chroma_host:
        checks["chroma"] = chroma_ok(settings.chroma_host, settings.chroma_port)
    results = await asyncio.gather(*checks.values())
    return dict(zip(checks, results, strict=True))
