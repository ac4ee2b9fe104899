"""Helpers for the backup tests: the ``rag`` command run in-process with an environment, and
fingerprints of every store to tell whether anything changed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import redis
from chromadb.api.shared_system_client import SharedSystemClient
from typer.testing import CliRunner, Result

from cli.main import app
from core.settings import Settings
from server.db import open_database
from server.feedback import FeedbackStore
from tests.fakes import QueuedChatModel
from tests.test_sessions_redis import history_of, turn


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The variables a deployment would set for ``settings``."""
    env = {"RAG_DATA_DIR": str(settings.data_dir), **extra}
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    if settings.chroma_host:
        env["CHROMA_HOST"] = settings.chroma_host
        env["CHROMA_PORT"] = str(settings.chroma_port)
    return env


def rag(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def search(env: dict[str, str], query: str) -> list[dict[str, Any]]:
    """``rag search --json`` as a new process runs it: no embedded Chroma client cached from
    before (it would still read the files a wipe deleted)."""
    SharedSystemClient.clear_system_cache()
    result = rag(env, "search", query, "--json", "--no-rerank", "-k", "8")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.output)
    return rows


def feedback_rows(settings: Settings) -> list[tuple[Any, ...]]:
    db = open_database(settings)
    try:
        return [
            (f.id, f.session_id, f.score, f.comment, f.principal)
            for f in FeedbackStore(db).recent()
        ]
    finally:
        db.close()


def add_feedback(settings: Settings, session: str, comment: str) -> None:
    db = open_database(settings)
    try:
        FeedbackStore(db).add(
            run_id=None, session_id=session, score=1.0, comment=comment, principal="alice"
        )
    finally:
        db.close()


def files_of(folder: Path, skip: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` except ``skip`` (the backups); of a SQLite file's
    rows, not its bytes (its journal files come and go, and checkpoints rewrite pages)."""
    return {
        str(p.relative_to(folder)): _digest(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and skip not in p.parents
        and not p.name.endswith((".lock", "-wal", "-shm", "-journal"))
    }


def _digest(path: Path) -> str:
    if path.read_bytes()[:16] != b"SQLite format 3\x00":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    with closing(sqlite3.connect(path)) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def state_of(settings: Settings, session: str) -> dict[str, Any]:
    """Everything a restore could change: files, sessions, feedback, the service's tables."""
    state: dict[str, Any] = {
        "files": files_of(settings.data_dir, settings.backups),
        "history": history_of(settings, session),
        "feedback": feedback_rows(settings),
    }
    if settings.redis_url:
        client = redis.Redis.from_url(settings.redis_url)
        state["redis"] = sorted(client.keys("*"))
        client.close()
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            state["tables"] = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
    return state


def first_turn(settings: Settings, llm: QueuedChatModel, session: str) -> None:
    turn(settings, llm, "When does my Kubernetes certification expire?", session)
