"""The audit log: who changed what the service holds (ingests, users, deletions), and when.

Kept in the service database next to users and feedback, append-only; admins read it at
``GET /audit``. Entries name principals the way logs do (a username, a masked key, ``cli``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server.db import Database, Row, as_datetime

MAX_TARGET_CHARS = 500


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    principal: str
    action: str  # e.g. "ingest", "session.delete", "user.create"
    target: str
    detail: str


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, principal: str, action: str, target: str, detail: str = "") -> None:
        with self._db.transaction() as tx:
            tx.execute(
                "INSERT INTO audit_log (principal, action, target, detail) VALUES (%s, %s, %s, %s)",
                (principal, action, target[:MAX_TARGET_CHARS], detail[:MAX_TARGET_CHARS]),
            )

    def recent(self, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        with self._db.transaction() as tx:
            rows = tx.execute(
                "SELECT id, at, principal, action, target, detail FROM audit_log "
                "ORDER BY id DESC LIMIT %s",
                (limit,),
            )
        return [_entry(row) for row in rows]


def _entry(row: Row) -> AuditEntry:
    id_, at, principal, action, target, detail = row
    return AuditEntry(int(id_), as_datetime(at), principal, action, target, detail)
