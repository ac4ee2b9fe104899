"""Retention, enforced while the service runs: idle sessions (``RAG_SESSION_TTL_MINUTES``; Redis
expires its own, the SQLite store is swept here), the chat's conversation list entries whose
session is gone either way, and old feedback (``RAG_FEEDBACK_RETENTION_DAYS``; 0 keeps it). Runs
at startup and then every few hours."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi.concurrency import run_in_threadpool
from langgraph.checkpoint.base import BaseCheckpointSaver

from core.settings import Settings
from graph.answerer import session_config
from graph.sessions import expire_idle_sessions
from server.conversations import ConversationStore
from server.feedback import FeedbackStore

log = logging.getLogger(__name__)

EVERY_S = 6 * 3600


async def enforce_retention(
    settings: Settings,
    sessions: BaseCheckpointSaver[Any],
    feedback: FeedbackStore,
    conversations: ConversationStore,
) -> dict[str, int]:
    removed = {"sessions": await expire_idle_sessions(sessions, settings.session_ttl_minutes)}
    listed = await run_in_threadpool(conversations.all_sessions)
    gone = [s for s in listed if await sessions.aget_tuple(session_config(s)) is None]
    for session_id in gone:
        await run_in_threadpool(conversations.remove, session_id)
    removed["conversations"] = len(gone)
    if settings.feedback_retention_days > 0:
        days = settings.feedback_retention_days
        removed["feedback"] = await run_in_threadpool(feedback.purge_older_than, days)
    if any(removed.values()):
        log.info("retention removed %s", removed)
    return removed


async def keep_retention(
    settings: Settings,
    sessions: BaseCheckpointSaver[Any],
    feedback: FeedbackStore,
    conversations: ConversationStore,
) -> None:
    """Forever, until cancelled at shutdown; a failed sweep is logged and tried again later."""
    while True:
        try:
            await enforce_retention(settings, sessions, feedback, conversations)
        except Exception:
            log.exception("retention sweep failed")
        await asyncio.sleep(EVERY_S)
