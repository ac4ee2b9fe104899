"""Sessions are LangGraph threads: the checkpointer keeps each session's conversation.

Redis (the official ``langgraph-checkpoint-redis``, with a TTL) when ``REDIS_URL`` is set, shared
by every worker and replica; otherwise SQLite under the data folder. Both survive a restart.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

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
        await saver.setup()
        yield saver
