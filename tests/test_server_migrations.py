"""Versioned migrations on real PostgreSQL and the embedded SQLite: once, in order, race-free."""

import threading
from pathlib import Path

import pytest

from server.db import Database, PostgresDatabase, SqliteDatabase
from server.migrations import MIGRATIONS, Migration, migrate

pytest_plugins = ["tests.pg"]

ALL = [m.version for m in MIGRATIONS]


def recorded(db: Database) -> list[int]:
    with db.transaction() as tx:
        rows = tx.execute("SELECT version, applied_at FROM schema_migrations ORDER BY version")
    assert all(applied_at is not None for _, applied_at in rows)
    return [version for version, _ in rows]


def open_db(kind: str, postgres_url: str, tmp_path: Path) -> Database:
    if kind == "postgres":
        return PostgresDatabase(postgres_url)
    return SqliteDatabase(tmp_path / "service.sqlite")


@pytest.fixture(params=["postgres", "sqlite"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fresh_url(kind: str, request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("postgres_url")) if kind == "postgres" else ""


def test_migrations_apply_once_and_are_recorded(kind: str, fresh_url: str, tmp_path: Path) -> None:
    db = open_db(kind, fresh_url, tmp_path)
    try:
        assert migrate(db) == ALL
        assert migrate(db) == []  # second run: nothing to do, no error
        assert recorded(db) == ALL
        with db.transaction() as tx:  # the tables exist and are empty
            assert tx.execute("SELECT count(*) FROM users") == [(0,)]
            assert tx.execute("SELECT count(*) FROM feedback") == [(0,)]
    finally:
        db.close()


def test_concurrent_startup_applies_each_migration_once(
    kind: str, fresh_url: str, tmp_path: Path
) -> None:
    workers = 4
    barrier = threading.Barrier(workers)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        db = open_db(kind, fresh_url, tmp_path)  # its own pool/connection, like a worker process
        try:
            barrier.wait()
            results.append(migrate(db))
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results, key=len) == [[], [], [], ALL]  # exactly one worker did the work
    db = open_db(kind, fresh_url, tmp_path)
    try:
        assert recorded(db) == ALL
    finally:
        db.close()


def test_a_failing_migration_rolls_the_whole_run_back(
    kind: str, fresh_url: str, tmp_path: Path
) -> None:
    db = open_db(kind, fresh_url, tmp_path)
    broken = Migration(
        ALL[-1] + 1, "broken", ("CREATE TABLE extra (x INT)", "NOT SQL"), ("NOT SQL",)
    )
    try:
        with pytest.raises(Exception, match=r"(?i)syntax"):
            migrate(db, (*MIGRATIONS, broken))
        assert migrate(db) == ALL  # nothing of the failed run stayed, not even the good ones
        with pytest.raises(Exception, match=r"(?i)syntax"):
            migrate(db, (*MIGRATIONS, broken))
        assert recorded(db) == ALL
    finally:
        db.close()
