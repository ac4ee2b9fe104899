"""``rag backup``: one folder per backup holding the data folder, the vectors of a Chroma server,
the Redis sessions and the PostgreSQL tables (each only when that store is in use), optionally
encrypted, and the manifest written last."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from core.settings import Settings
from knowledge.ingest import exclusive
from knowledge.layout import DataLayout
from ops import chroma_collection, data_folder, postgres, redis_sessions
from ops.crypto import BackupKey, encrypt_file
from ops.errors import BackupError
from ops.manifest import Manifest

DATA = "data.tar"
CHROMA = "chroma-vectors.jsonl"
REDIS = "redis-sessions.jsonl"
POSTGRES = "postgres.dump"


def create_backup(settings: Settings, root: Path, key: BackupKey | None) -> Path:
    """A new complete backup under ``root``; returns its folder."""
    root = root.resolve()
    if settings.data_dir.resolve().is_relative_to(root):
        raise BackupError(f"{root} holds the data folder: back up into a folder of its own")
    root.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    folder = _new_folder(root, created)
    try:
        manifest = Manifest(created.isoformat(timespec="seconds"), key.key_id if key else None)
        _fill(settings, folder, manifest, key)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a partial backup behind
        raise
    return folder


def _fill(settings: Settings, folder: Path, manifest: Manifest, key: BackupKey | None) -> None:
    data_dir = settings.data_dir.resolve()
    excluded = {folder.parent, settings.backups.resolve()}
    data_dir.mkdir(parents=True, exist_ok=True)
    # No ingest meanwhile: the snapshot, the ingest records and the vectors must agree.
    with exclusive(DataLayout(data_dir).ingest_lock):
        data_folder.pack(data_dir, folder / DATA, exclude=excluded)
        if settings.chroma_host:
            chroma_collection.dump(settings, folder / CHROMA)
    manifest.add("data", _sealed(folder / DATA, key))
    if settings.chroma_host:
        manifest.add("chroma", _sealed(folder / CHROMA, key))
    if settings.redis_url:
        redis_sessions.dump(settings.redis_url, folder / REDIS)
        manifest.add("redis", _sealed(folder / REDIS, key))
    if settings.database_url:
        postgres.dump(settings.database_url, folder / POSTGRES, settings.pg_bin_dir)
        manifest.add("postgres", _sealed(folder / POSTGRES, key))
    manifest.write(folder)


def _new_folder(root: Path, created: datetime) -> Path:
    """Named by the UTC time to the microsecond: names sort by age and never repeat."""
    folder = root / created.strftime("%Y%m%dT%H%M%S.%fZ")
    folder.mkdir()
    return folder


def _sealed(path: Path, key: BackupKey | None) -> Path:
    """The file as stored: encrypted (``.enc``, plain text removed) when there is a key."""
    if key is None:
        return path
    encrypted = path.with_name(path.name + ".enc")
    encrypt_file(path, encrypted, key)
    path.unlink()
    return encrypted
