"""Forgetting a conversation, everywhere the service keeps it: the session store (history), the
response cache (its answers), with an audit entry. ``DELETE /sessions/{id}`` and
``rag sessions delete`` both come here. Langfuse traces keep their copy: delete those in Langfuse
by session id if they must go too."""

from __future__ import annotations

from typing import Any

from fastapi.concurrency import run_in_threadpool
from langgraph.checkpoint.base import BaseCheckpointSaver

from graph.sessions import store_errors, validate_session_id
from server.audit import AuditLog
from server.cache import ResponseCache


async def forget_session(
    session_id: str,
    *,
    sessions: BaseCheckpointSaver[Any],
    cache: ResponseCache,
    audit: AuditLog,
    principal: str,
) -> None:
    validate_session_id(session_id)
    with store_errors():
        await sessions.adelete_thread(session_id)
    await cache.forget_session(session_id)
    await run_in_threadpool(audit.record, principal, "session.delete", session_id)
