"""Sessions are LangGraph threads: the checkpointer keeps each session's conversation.

Redis (the official ``langgraph-checkpoint-redis``, with a TTL) when ``REDIS_URL`` is set, shared
by every worker and replica; otherwise SQLite under the data folder. Both survive a restart.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from langgraph.checkpoint.base import BaseCheckpointSaver

from core.settings import Settings

SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class InvalidSessionIdError(ValueError):
    pass


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

        async with AsyncRedisSaver.from_conn_string(
            settings.redis_url, ttl=_ttl(settings)
        ) as saver:
            await saver.asetup()
            yield saver
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
