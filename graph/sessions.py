"""Sessions are LangGraph threads: the checkpointer keeps each session's conversation.

Redis (the official ``langgraph-checkpoint-redis``, with a TTL) when ``REDIS_URL`` is set, shared
by every worker and replica; otherwise SQLite under the data folder. Both survive a restart.

A store that cannot be reached (Redis down, hung or still loading its AOF; SQLite locked or its
disk full) raises ``SessionStoreUnavailableError`` within ``STORE_TIMEOUT_S``: a conversation is
never answered without its history, nor a turn silently left out of it.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from uuid import UUID

from langgraph.checkpoint.base import BaseCheckpointSaver
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, RedisError
from redisvl.exceptions import RedisVLError

from core.settings import Settings

SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

STORE_TIMEOUT_S = 2.0
# Connections to Redis per process: a turn uses one at a time, so this many turns touch the store
# at once and the rest wait (up to STORE_TIMEOUT_S) for a free connection.
STORE_CONNECTIONS = 16


class InvalidSessionIdError(ValueError):
    pass


class SessionStoreUnavailableError(RuntimeError):
    """The session store did not answer; the turn was neither answered nor recorded."""


@contextmanager
def store_errors() -> Iterator[None]:
    """Turns the stores' own failures into ``SessionStoreUnavailableError``."""
    try:
        yield
    # RedisVL (the checkpointer's search and JSON writes) wraps Redis errors in its own.
    except (RedisError, RedisVLError, sqlite3.OperationalError) as exc:
        raise SessionStoreUnavailableError(f"session store unavailable: {exc}") from exc


def redis_client(url: str, *, max_connections: int, timeout_s: float) -> Redis:
    """A Redis client that fails fast and holds at most ``max_connections`` connections.

    redis-py's defaults are no socket timeout (a hung server hangs the caller) and ten retries
    with backoff (seconds per command while the server is down); here one immediate retry
    replaces a pooled connection that a server restart broke, and a timeout is not retried (a
    hung server would only make the caller wait twice). The service's cache and rate limiter
    use it too.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout_s,  # waiting for a free connection
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 1, supported_errors=(ConnectionError,)),
        protocol=2,  # RedisVL (the checkpointer's search) parses RESP2 replies
    )
    return Redis.from_pool(pool)


def validate_session_id(session_id: str) -> str:
    if not SESSION_ID.fullmatch(session_id):
        raise InvalidSessionIdError(
            "session id must be 1-64 characters: letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return session_id


def new_session_id() -> str:
    return secrets.token_hex(12)


def _ttl(settings: Settings) -> dict[str, Any]:
    # Reading a session refreshes its TTL: an active conversation never expires mid-way.
    return {"default_ttl": settings.session_ttl_minutes, "refresh_on_read": True}


@asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    if settings.redis_url:
        from langgraph.checkpoint.redis.aio import AsyncRedisSaver

        client = redis_client(
            settings.redis_url, max_connections=STORE_CONNECTIONS, timeout_s=STORE_TIMEOUT_S
        )
        try:
            async with AsyncRedisSaver.from_conn_string(
                redis_client=client, ttl=_ttl(settings)
            ) as saver:
                await saver.asetup()
                yield saver
        finally:
            await client.aclose()  # a client passed in is the caller's to close
        return
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(
        str(settings.data_dir / "sessions.sqlite")
    ) as saver:
        await saver.setup()  # WAL journal
        # In WAL mode NORMAL still survives a killed process (every commit is in the WAL); only
        # a power cut may lose the last turns. FULL would fsync twice for every turn recorded.
        await saver.conn.execute("PRAGMA synchronous=NORMAL")
        yield saver


# The UUID epoch (1582-10-15) in 100-ns steps before the Unix epoch: checkpoint ids are UUIDv6.
_UUID_EPOCH_OFFSET = 0x01B21DD213814000


def checkpoint_time(checkpoint_id: str) -> float:
    """Unix seconds of a LangGraph checkpoint id (a time-ordered UUIDv6)."""
    value = UUID(checkpoint_id).int
    ticks = ((value >> 80) << 12) | ((value >> 64) & 0x0FFF)
    return (ticks - _UUID_EPOCH_OFFSET) / 1e7


async def expire_idle_sessions(checkpointer: BaseCheckpointSaver[Any], ttl_minutes: int) -> int:
    """Delete SQLite sessions idle for longer than the TTL; returns how many. Redis sessions
    expire by themselves (the checkpointer sets their TTL), so this is the SQLite store's."""
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    if not isinstance(checkpointer, AsyncSqliteSaver):
        return 0
    cutoff = time.time() - ttl_minutes * 60
    async with checkpointer.conn.execute(
        "SELECT thread_id, MAX(checkpoint_id) FROM checkpoints GROUP BY thread_id"
    ) as cursor:
        idle = [
            thread for thread, last in await cursor.fetchall() if checkpoint_time(last) < cutoff
        ]
    for thread_id in idle:
        await checkpointer.adelete_thread(thread_id)
    return len(idle)
