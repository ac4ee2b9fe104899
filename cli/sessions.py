"""``rag sessions delete ID``: forget a conversation from the command line, as the service's
``DELETE /sessions/{id}`` does (session store, response cache, audit log)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from core.settings import Settings

sessions_app = typer.Typer(help="Conversations the service keeps.", no_args_is_help=True)


@sessions_app.command("delete")
def sessions_delete_command(
    session_id: Annotated[str, typer.Argument(help="The session (thread) id.")],
) -> None:
    """Delete a conversation's history and its cached answers; recorded in the audit log."""
    from graph.sessions import InvalidSessionIdError, validate_session_id

    try:
        validate_session_id(session_id)
    except InvalidSessionIdError as exc:
        raise typer.BadParameter(str(exc), param_hint="SESSION_ID") from exc
    asyncio.run(_forget(Settings.from_env(), session_id))
    typer.echo(f"deleted session {session_id}")


async def _forget(settings: Settings, session_id: str) -> None:
    from redis.asyncio import Redis

    from graph.sessions import open_checkpointer
    from server.audit import AuditLog
    from server.cache import ResponseCache
    from server.data_rights import forget_session
    from server.db import open_database
    from server.migrations import migrate

    db = open_database(settings)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    try:
        migrate(db)
        async with open_checkpointer(settings) as sessions:
            await forget_session(
                session_id,
                sessions=sessions,
                cache=ResponseCache(settings.cache_ttl_s, redis),
                audit=AuditLog(db),
                principal="cli",
            )
    finally:
        if redis is not None:
            await redis.aclose()
        db.close()
