"""Versioned schema migrations: ordered, each applied once, recorded in ``schema_migrations``.

Every worker runs ``migrate`` at startup. The whole run is one transaction that first takes a
lock (a PostgreSQL advisory lock; SQLite's write lock via BEGIN IMMEDIATE), so when several
workers start at once one applies the missing migrations and the others wait, then find nothing
left to do. A failing migration rolls the whole run back.

Never edit a released migration: append a new one. Each has one statement list per dialect
because column types and identity syntax differ.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from server.db import Database, Dialect, Transaction

log = logging.getLogger(__name__)

# Any constant works; it only has to be the same in every worker and unused by anything else.
ADVISORY_LOCK_KEY = 0x7261_6701  # "rag" + 1


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    postgres: tuple[str, ...]
    sqlite: tuple[str, ...]

    def statements(self, dialect: Dialect) -> tuple[str, ...]:
        return self.postgres if dialect == "postgres" else self.sqlite


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "users",
        postgres=(
            """CREATE TABLE users (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
                created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
        ),
        sqlite=(
            """CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            )""",
        ),
    ),
    Migration(
        2,
        "feedback",
        postgres=(
            """CREATE TABLE feedback (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id TEXT,
                session_id TEXT,
                score DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
                comment TEXT CHECK (char_length(comment) <= 2000),
                principal TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
            )""",
            "CREATE INDEX feedback_run_id ON feedback (run_id)",
            "CREATE INDEX feedback_session_id ON feedback (session_id)",
        ),
        sqlite=(
            """CREATE TABLE feedback (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT,
                session_id TEXT,
                score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
                comment TEXT CHECK (length(comment) <= 2000),
                principal TEXT NOT NULL,
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
            )""",
            "CREATE INDEX feedback_run_id ON feedback (run_id)",
            "CREATE INDEX feedback_session_id ON feedback (session_id)",
        ),
    ),
    Migration(
        3,
        "audit_log",
        postgres=(
            """CREATE TABLE audit_log (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL DEFAULT now(),
                principal TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT ''
            )""",
        ),
        sqlite=(
            """CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                principal TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT ''
            )""",
        ),
    ),
    Migration(
        4,
        "conversations",
        postgres=(
            """CREATE TABLE conversations (
                session_id TEXT PRIMARY KEY,
                principal TEXT NOT NULL,
                title TEXT,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
            "CREATE INDEX conversations_principal ON conversations (principal, created_at)",
        ),
        sqlite=(
            """CREATE TABLE conversations (
                session_id TEXT PRIMARY KEY,
                principal TEXT NOT NULL,
                title TEXT,
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            )""",
            "CREATE INDEX conversations_principal ON conversations (principal, created_at)",
        ),
    ),
    Migration(
        5,
        "users_disabled",
        postgres=("ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT false",),
        sqlite=("ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0",),
    ),
)

_CREATE_TABLE = {
    "postgres": """CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )""",
    "sqlite": """CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
    )""",
}


def migrate(db: Database, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the migrations the database lacks, in version order; returns their versions."""
    ordered = sorted(migrations, key=lambda m: m.version)
    if len({m.version for m in ordered}) != len(ordered):
        raise ValueError("duplicate migration versions")
    with db.transaction() as tx:
        if db.dialect == "postgres":
            # Held until this transaction ends, so concurrent workers apply migrations in turn.
            tx.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
        tx.execute(_CREATE_TABLE[db.dialect])
        done = applied_versions(tx)
        unknown = done - {m.version for m in ordered}
        if unknown:
            # A newer release migrated this database (rolling upgrade or rollback): say so,
            # but keep running, since released migrations only ever add.
            log.warning("database has migrations this code does not know: %s", sorted(unknown))
        applied: list[int] = []
        for migration in ordered:
            if migration.version in done:
                continue
            for statement in migration.statements(db.dialect):
                tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied.append(migration.version)
    if applied:
        log.info("applied migrations %s", applied)
    return applied


def applied_versions(tx: Transaction) -> set[int]:
    return {int(row[0]) for row in tx.execute("SELECT version FROM schema_migrations")}
