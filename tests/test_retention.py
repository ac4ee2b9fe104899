"""Retention and the audit log: idle SQLite sessions expire, old feedback goes, admin actions are
recorded (PostgreSQL and SQLite)."""

import asyncio
import time

from langgraph.checkpoint.base.id import uuid6

from core.settings import Settings
from graph.sessions import checkpoint_time, expire_idle_sessions, open_checkpointer
from server.audit import AuditLog
from server.conversations import ConversationStore
from server.db import Database
from server.feedback import FeedbackStore
from server.retention import enforce_retention
from tests.answering import ask_turns, fake_services
from tests.fakes import queued


def test_checkpoint_ids_tell_when_they_were_written() -> None:
    assert abs(checkpoint_time(str(uuid6(clock_seq=1))) - time.time()) < 1.0


def test_idle_sqlite_sessions_expire_and_active_ones_stay(settings: Settings) -> None:
    services = fake_services(settings, queued("A [1].", "B [1]."))
    ask_turns(settings, services, "old", ["What certifications do I have?"])
    ask_turns(settings, services, "new", ["What certifications do I have?"])

    async def sweep(ttl_minutes: int) -> tuple[int, list[str]]:
        async with open_checkpointer(settings) as sessions:
            removed = await expire_idle_sessions(sessions, ttl_minutes)
            left = {c.config["configurable"]["thread_id"] async for c in sessions.alist(None)}
            return removed, sorted(left)

    assert asyncio.run(sweep(60)) == (0, ["new", "old"])  # both active within the hour
    assert asyncio.run(sweep(0)) == (2, [])  # a TTL of zero: both idle


def test_feedback_older_than_the_retention_is_purged(service_db: Database) -> None:
    store = FeedbackStore(service_db)
    kept = store.add(run_id=None, session_id="s-1", score=1, comment=None, principal="p")
    assert store.purge_older_than(1) == 0 and store.get(kept) is not None
    assert store.purge_older_than(-1) == 1 and store.get(kept) is None  # cutoff tomorrow


def test_the_audit_log_records_who_did_what_newest_first(service_db: Database) -> None:
    audit = AuditLog(service_db)
    audit.record("root", "ingest", "cv.pdf, notes.md", "2 indexed, 0 skipped")
    audit.record("key:ab…ef", "session.delete", "s-1")
    entries = audit.recent()
    assert [(e.principal, e.action, e.target) for e in entries] == [
        ("key:ab…ef", "session.delete", "s-1"),
        ("root", "ingest", "cv.pdf, notes.md"),
    ]
    assert entries[1].detail == "2 indexed, 0 skipped" and entries[0].at.tzinfo is not None


def test_conversation_list_entries_whose_session_is_gone_are_dropped(
    settings: Settings, service_db: Database
) -> None:
    conversations = ConversationStore(service_db)
    gone, kept = conversations.start("alice"), conversations.start("alice")
    ask_turns(settings, fake_services(settings, queued("A [1].")), kept, ["What do I hold?"])

    async def sweep() -> dict[str, int]:
        async with open_checkpointer(settings) as sessions:
            feedback = FeedbackStore(service_db)
            return await enforce_retention(settings, sessions, feedback, conversations)

    assert asyncio.run(sweep())["conversations"] == 1
    assert [c.session_id for c in conversations.owned_by("alice")] == [kept]
    assert gone not in conversations.all_sessions()
