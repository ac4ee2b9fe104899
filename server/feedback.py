"""User feedback on answers, kept in the service database (PostgreSQL or the SQLite default).

Score scale: a float in [0, 1], 1 = helpful. Thumbs up/down send 1 and 0; a 1-5 star rating
maps to (stars - 1) / 4. The same scale is what Langfuse shows for a numeric score, and the
database enforces it with a CHECK constraint as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from server.db import Database, Row, as_datetime


@dataclass(frozen=True)
class Feedback:
    id: int
    run_id: str | None
    session_id: str | None
    score: float
    comment: str | None
    principal: str
    created_at: datetime


_COLUMNS = "id, run_id, session_id, score, comment, principal, created_at"


class FeedbackStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        *,
        run_id: UUID | str | None,
        session_id: str | None,
        score: float,
        comment: str | None,
        principal: str,
    ) -> int:
        """Stores one piece of feedback (checked by the route's ``FeedbackIn``); returns its id."""
        with self._db.transaction() as tx:
            rows = tx.execute(
                "INSERT INTO feedback (run_id, session_id, score, comment, principal) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (None if run_id is None else str(run_id), session_id, score, comment, principal),
            )
        return int(rows[0][0])

    def get(self, feedback_id: int) -> Feedback | None:
        with self._db.transaction() as tx:
            rows = tx.execute(f"SELECT {_COLUMNS} FROM feedback WHERE id = %s", (feedback_id,))
        return _feedback(rows[0]) if rows else None

    def recent(self, limit: int = 50) -> list[Feedback]:
        """Newest first: what an admin page shows."""
        with self._db.transaction() as tx:
            rows = tx.execute(
                f"SELECT {_COLUMNS} FROM feedback ORDER BY id DESC LIMIT %s", (limit,)
            )
        return [_feedback(row) for row in rows]


def _feedback(row: Row) -> Feedback:
    id_, run_id, session_id, score, comment, principal, created_at = row
    return Feedback(
        int(id_), run_id, session_id, float(score), comment, principal, as_datetime(created_at)
    )
