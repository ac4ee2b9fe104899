"""Conversations as people see them: which sessions belong to whom, and each session's turns.

The session store (LangGraph's checkpointer) keeps what was said; this table only records who
started a session through the web app, so a person's list of conversations comes from the server
(nothing about them is kept in the browser) and nobody else can read them. The turns, with their
citations and outcome, are read back from the checkpoints each turn left behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.answerer import Answerer, session_config
from graph.sessions import new_session_id
from server.db import Database, as_datetime


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str
    citations: list[dict[str, Any]]
    outcome: str
    run_id: str | None  # hex trace id of the run that answered, when known
    at: datetime | None


@dataclass(frozen=True)
class Listed:
    session_id: str
    title: str | None  # the first question, once there is one
    created_at: datetime


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def start(self, principal: str) -> str:
        """A new conversation owned by ``principal``; returns its session id."""
        session_id = new_session_id()
        with self._db.transaction() as tx:
            tx.execute(
                "INSERT INTO conversations (session_id, principal) VALUES (%s, %s)",
                (session_id, principal),
            )
        return session_id

    def owned_by(self, principal: str, limit: int = 100) -> list[Listed]:
        """Newest first."""
        with self._db.transaction() as tx:
            rows = tx.execute(
                "SELECT session_id, title, created_at FROM conversations WHERE principal = %s "
                "ORDER BY created_at DESC, session_id LIMIT %s",
                (principal, limit),
            )
        return [Listed(str(s), t, as_datetime(c)) for s, t, c in rows]

    def set_title(self, session_id: str, title: str) -> None:
        with self._db.transaction() as tx:
            tx.execute(
                "UPDATE conversations SET title = %s WHERE session_id = %s", (title, session_id)
            )

    def owner(self, session_id: str) -> str | None:
        with self._db.transaction() as tx:
            rows = tx.execute(
                "SELECT principal FROM conversations WHERE session_id = %s", (session_id,)
            )
        return str(rows[0][0]) if rows else None

    def all_sessions(self) -> list[str]:
        with self._db.transaction() as tx:
            return [str(row[0]) for row in tx.execute("SELECT session_id FROM conversations")]

    def remove(self, session_id: str) -> None:
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM conversations WHERE session_id = %s", (session_id,))


async def turns(answerer: Answerer, session_id: str) -> list[Turn]:
    """The session's turns, oldest first: each run's last checkpoint (nothing left to run)."""
    found: list[Turn] = []
    async for snapshot in answerer.graph.aget_state_history(session_config(session_id)):
        values = snapshot.values or {}
        if snapshot.next or not values.get("question") or not values.get("outcome"):
            continue
        created = snapshot.created_at
        found.append(
            Turn(
                question=str(values["question"]),
                answer=str(values.get("answer") or ""),
                citations=[dict(c) for c in values.get("citations") or []],
                outcome=str(values["outcome"]),
                run_id=(snapshot.metadata or {}).get("run_id"),
                at=datetime.fromisoformat(created) if created else None,
            )
        )
    found.reverse()
    return found
