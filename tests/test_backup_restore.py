"""``rag backup`` → everything wiped → ``rag restore``: the same search results, the same
conversation (a follow-up still sees the first turn), the same feedback, with the real servers
(Redis, PostgreSQL, a Chroma server) and with the embedded defaults (SQLite, embedded Chroma).
A corrupt, partial or wrong-key backup is refused and changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
import redis

from core.settings import Settings
from knowledge.ingest import ingest
from ops import redis_sessions
from ops.errors import BackupError
from ops.manifest import MANIFEST
from server.db import open_database
from server.migrations import migrate
from tests.backups import (
    add_feedback,
    environment,
    feedback_rows,
    first_turn,
    rag,
    search,
    state_of,
)
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import queued
from tests.servers import ChromaServer, RedisServer
from tests.test_sessions_redis import history_of, turn

QUERY = "Kubernetes certification expiry"
FIRST_ANSWER = "Your CKA expires on 2027-08-14 [1]."


def _follow_up_sees_first_turn(settings: Settings, session: str) -> None:
    llm = queued("When does the CKA expire?", "On 2027-08-14 [1].")
    turn(settings, llm, "And when was it issued?", session)
    assert FIRST_ANSWER in llm.calls[0][-1].content  # the rewrite saw the restored turn


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = ChromaServer(tmp_path / "chroma").start()
    yield server
    server.kill()


def test_backup_wipe_restore_with_the_servers(
    tmp_path: Path, redis_server: RedisServer, postgres_url: str, chroma_server: ChromaServer
) -> None:
    settings = Settings.from_env(
        {},
        data_dir=tmp_path / "data",
        redis_url=redis_server.url,
        database_url=postgres_url,
        chroma_host="127.0.0.1",
        chroma_port=chroma_server.port,
    )
    ingest([SAMPLE_CORPUS], settings)
    migrate(open_database(settings))
    first_turn(settings, queued(FIRST_ANSWER), "s-1")
    add_feedback(settings, "s-1", "spot on")
    key_file = tmp_path / "backup.key"
    assert rag({}, "backup-key", str(key_file)).exit_code == 0
    env = environment(settings, RAG_BACKUP_KEY_FILE=str(key_file))
    before = {"search": search(env, QUERY), **state_of(settings, "s-1")}
    assert before["history"][1] == FIRST_ANSWER and before["feedback"]

    made = rag(env, "backup", "--out", str(tmp_path / "backups"))
    assert made.exit_code == 0, made.output
    (folder,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "chroma-vectors.jsonl.enc",
        "data.tar.enc",
        MANIFEST,
        "postgres.dump.enc",
        "redis-sessions.jsonl.enc",
    ]

    # Everything a disaster takes: the data folder, Redis, the tables, the vectors.
    shutil.rmtree(settings.data_dir)
    redis.Redis.from_url(settings.redis_url or "").flushall()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    import chromadb

    chromadb.HttpClient(host="127.0.0.1", port=chroma_server.port).delete_collection("chunks")

    restored = rag(env, "restore", str(folder))
    assert restored.exit_code == 0, restored.output
    after = {"search": search(env, QUERY), **state_of(settings, "s-1")}
    assert after["search"] == before["search"]
    assert after["history"] == before["history"]
    assert after["feedback"] == before["feedback"]
    assert after["tables"] == before["tables"]
    _follow_up_sees_first_turn(settings, "s-1")
    # Restored again over the live stores (a rollback): the follow-up is gone again.
    assert rag(env, "restore", str(folder)).exit_code == 0
    assert state_of(settings, "s-1")["history"] == before["history"]
    assert feedback_rows(settings) == before["feedback"]
    assert search(env, QUERY) == before["search"]


@pytest.fixture
def embedded(tmp_path: Path, sample_settings: Settings) -> tuple[Settings, dict[str, str], Path]:
    """The embedded defaults (SQLite sessions and tables, embedded Chroma) with a first turn,
    feedback and one backup; then the data moved on (another turn, more feedback)."""
    data_dir = tmp_path / "data"
    shutil.copytree(sample_settings.data_dir, data_dir)
    settings = Settings.from_env({}, data_dir=data_dir)
    migrate(open_database(settings))
    first_turn(settings, queued(FIRST_ANSWER), "s-1")
    add_feedback(settings, "s-1", "spot on")
    env = environment(settings)
    made = rag(env, "backup")
    assert made.exit_code == 0, made.output
    (folder,) = settings.backups.iterdir()
    turn(settings, queued("Anything else?", "Nothing else [1]."), "Anything else?", "s-1")
    add_feedback(settings, "s-1", "after the backup")
    return settings, env, folder


def test_backup_wipe_restore_embedded(embedded: tuple[Settings, dict[str, str], Path]) -> None:
    settings, env, folder = embedded
    expected_search = search(env, QUERY)
    for entry in settings.data_dir.iterdir():  # wipe everything but the backups
        if entry != settings.backups:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    assert search(env, QUERY) == []

    restored = rag(env, "restore", str(folder))
    assert restored.exit_code == 0, restored.output
    assert search(env, QUERY) == expected_search
    assert history_of(settings, "s-1")[:2] == [
        "When does my Kubernetes certification expire?",
        FIRST_ANSWER,
    ]
    assert len(history_of(settings, "s-1")) == 2  # the turn after the backup is not in it
    assert [row[3] for row in feedback_rows(settings)] == ["spot on"]
    _follow_up_sees_first_turn(settings, "s-1")


def _flip_a_byte(folder: Path) -> None:
    path = folder / "data.tar"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _delete_a_file(folder: Path) -> None:
    (folder / "data.tar").unlink()


def _drop_the_manifest(folder: Path) -> None:
    (folder / MANIFEST).unlink()


def _truncate_the_manifest(folder: Path) -> None:
    path = folder / MANIFEST
    path.write_text(path.read_text()[:40])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_flip_a_byte, "checksum mismatch"),
        (_delete_a_file, "data.tar is missing (partial backup)"),
        (_drop_the_manifest, "not a complete backup"),
        (_truncate_the_manifest, "unreadable manifest"),
    ],
)
def test_a_damaged_backup_is_refused_and_nothing_changes(
    embedded: tuple[Settings, dict[str, str], Path], damage, message: str
) -> None:
    settings, env, folder = embedded
    before = state_of(settings, "s-1")
    damage(folder)
    refused = rag(env, "restore", str(folder))
    assert refused.exit_code == 1
    assert "error: restore refused" in refused.output and message in refused.output
    assert "Traceback" not in refused.output
    assert state_of(settings, "s-1") == before


def test_an_encrypted_backup_needs_its_own_key(
    tmp_path: Path, embedded: tuple[Settings, dict[str, str], Path]
) -> None:
    settings, env, _ = embedded
    right, wrong = tmp_path / "right.key", tmp_path / "wrong.key"
    for key in (right, wrong):
        assert rag({}, "backup-key", str(key)).exit_code == 0
    assert right.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert rag({}, "backup-key", str(right)).exit_code == 1  # never overwritten
    made = rag(env, "backup", "--out", str(tmp_path / "enc"), "--key-file", str(right))
    assert made.exit_code == 0, made.output
    (folder,) = (tmp_path / "enc").iterdir()
    assert b"chunks.jsonl" not in (folder / "data.tar.enc").read_bytes()  # no plain tar
    before = state_of(settings, "s-1")
    for args, message in (
        ([], "this backup is encrypted"),
        (["--key-file", str(wrong)], "wrong key"),
    ):
        refused = rag(env, "restore", str(folder), *args)
        assert refused.exit_code == 1 and message in refused.output
        assert state_of(settings, "s-1") == before
    assert rag(env, "restore", str(folder), "--key-file", str(right)).exit_code == 0
    assert len(history_of(settings, "s-1")) == 4  # the backup was taken after the second turn


def test_backups_inside_the_data_folder_survive_a_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "notes").mkdir(parents=True)
    (data / "notes" / "a.txt").write_text("before")
    env = {"RAG_DATA_DIR": str(data)}
    assert rag(env, "backup", "--out", str(data / "elsewhere" / "backups")).exit_code == 0
    (folder,) = (data / "elsewhere" / "backups").iterdir()
    (data / "notes" / "a.txt").write_text("after")
    assert rag(env, "restore", str(folder)).exit_code == 0
    assert (data / "notes" / "a.txt").read_text() == "before"
    assert (folder / MANIFEST).is_file()  # the backups were not swapped out with the data
    refused = rag(env, "backup", "--out", str(tmp_path))
    assert refused.exit_code == 1 and "holds the data folder" in refused.output


def test_keep_n_leaves_the_newest_complete_backups(tmp_path: Path) -> None:
    env = {"RAG_DATA_DIR": str(tmp_path / "data")}
    root = tmp_path / "backups"
    (root / "20000101T000000Z").mkdir(parents=True)  # an interrupted backup: no manifest
    made = []
    for _ in range(4):
        result = rag(env, "backup", "--out", str(root), "--keep", "2")
        assert result.exit_code == 0, result.output
        made.append(sorted(p.name for p in root.iterdir())[-1])
    assert sorted(p.name for p in root.iterdir()) == made[-2:]
    assert rag(env, "backup", "--keep", "0").exit_code == 2  # --keep is at least 1


def test_a_value_redis_refuses_changes_no_session(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    """A value Redis will not RESTORE (a checksum-valid file from, say, a newer server) leaves
    every current key as it was: values are staged before any key is replaced."""
    client = redis.Redis.from_url(redis_server.url)
    client.set("checkpoint:old", "kept")
    client.set("checkpoint:a", "1")
    dump = tmp_path / "sessions.jsonl"
    assert redis_sessions.dump(redis_server.url, dump) == 2
    entries = redis_sessions.read(dump)
    client.set("checkpoint:new", "written after the backup")
    broken = [entries[0], redis_sessions.Entry(b"checkpoint:x", 0, b"not a DUMP payload")]
    with pytest.raises(BackupError, match="Redis refused the sessions"):
        redis_sessions.restore(redis_server.url, broken)
    assert sorted(client.keys("*")) == [b"checkpoint:a", b"checkpoint:new", b"checkpoint:old"]
    redis_sessions.restore(redis_server.url, entries)
    assert sorted(client.keys("*")) == [b"checkpoint:a", b"checkpoint:old"]
