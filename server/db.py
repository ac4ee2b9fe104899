"""The service's own tables (users, feedback) behind one tiny SQL interface.

PostgreSQL through a psycopg 3 connection pool when ``DATABASE_URL`` is set (shared by every
worker and replica), otherwise an embedded SQLite file under the data folder, so a local run
needs no server. Callers write SQL with ``%s`` placeholders in the subset both dialects accept;
SQLite gets them rewritten to ``?``.

A PostgreSQL server that is down or unreachable raises ``DatabaseUnavailableError`` within
``TIMEOUT_S`` (the service answers 503 + Retry-After): a write is then known not to have happened,
so nothing is silently dropped, and the pool reconnects by itself once the server is back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import psycopg
from psycopg_pool import ConnectionPool

from core.settings import Settings

Dialect = Literal["postgres", "sqlite"]
Row = tuple[Any, ...]

SQLITE_FILE = "service.sqlite"
# Waiting for a pooled connection, and libpq's connect timeout (whole seconds): psycopg's defaults
# are 30 s and none, so a request would hang on a server that is gone.
TIMEOUT_S = 3


class IntegrityError(Exception):
    """A constraint (unique, check, not null) refused the write, whatever the dialect."""


class DatabaseUnavailableError(RuntimeError):
    """The database server could not be reached; the transaction did not commit."""


class Transaction(Protocol):
    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Run one statement; returns its rows (empty for statements without a result)."""
        ...


class Database(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    def transaction(self) -> AbstractContextManager[Transaction]:
        """Commits when the block ends normally, rolls back when it raises."""
        ...

    def close(self) -> None: ...


def open_database(settings: Settings) -> Database:
    """PostgreSQL when ``database_url`` is set, else SQLite under ``data_dir``; not migrated."""
    if settings.database_url:
        return PostgresDatabase(settings.database_url)
    return SqliteDatabase(settings.data_dir / SQLITE_FILE)


def as_datetime(value: datetime | str) -> datetime:
    """PostgreSQL returns aware datetimes; SQLite's CURRENT_TIMESTAMP is UTC text."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


class _PostgresTransaction:
    def __init__(self, cursor: psycopg.Cursor[Row]) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        try:
            # No params -> no placeholder parsing, so a literal % in DDL needs no escaping.
            self._cursor.execute(sql, params or None)
        except psycopg.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        return self._cursor.fetchall() if self._cursor.description else []


class PostgresDatabase:
    def __init__(
        self, url: str, *, max_connections: int = 4, connect_timeout_s: float = 10
    ) -> None:
        # check_connection drops connections a server restart broke instead of failing a request.
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            open=True,
            check=ConnectionPool.check_connection,
            timeout=TIMEOUT_S,
            kwargs={"connect_timeout": TIMEOUT_S},
            name="personal-rag",
        )
        # Fail at startup, with the server's error, rather than on the first request.
        self._pool.wait(timeout=connect_timeout_s)

    @property
    def dialect(self) -> Dialect:
        return "postgres"

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        # The pool commits when the block ends and rolls back if it raised.
        try:
            with self._pool.connection() as conn, conn.cursor() as cursor:
                yield _PostgresTransaction(cursor)
        except psycopg.OperationalError as exc:  # no server, a dropped connection, pool timeout
            raise DatabaseUnavailableError(f"database unavailable: {exc}") from exc

    def close(self) -> None:
        self._pool.close()


class _SqliteTransaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        try:
            return self._conn.execute(sql.replace("%s", "?"), tuple(params)).fetchall()
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc


class SqliteDatabase:
    def __init__(self, path: Path, *, busy_timeout_s: float = 30) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._busy_timeout_s = busy_timeout_s
        with closing(self._connect()) as conn:
            # WAL lets readers proceed while one writer commits; the mode persists in the file.
            conn.execute("PRAGMA journal_mode=WAL")

    @property
    def dialect(self) -> Dialect:
        return "sqlite"

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are begun and ended explicitly below.
        return sqlite3.connect(self._path, timeout=self._busy_timeout_s, isolation_level=None)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        # A connection per transaction: sqlite3 connections must not cross threads, and FastAPI
        # runs sync dependencies on a thread pool. BEGIN IMMEDIATE takes the write lock up
        # front, so two writers queue (busy timeout) instead of failing half-way.
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTransaction(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def close(self) -> None:
        """Nothing stays open between transactions."""
