"""``rag restore DIR``: every check first, then the changes.

The manifest, every checksum, the key and each part's format are verified, and encrypted parts
decrypted into a staging folder, before anything current is touched; a corrupt, partial or
wrong-key backup is refused with the reason and the current data stays as it is. Then PostgreSQL
(one transaction), Redis (one MULTI/EXEC), then under the ingest lock a Chroma server's collection
(filled aside, then swapped) and the data folder (moved in from staging) are replaced.
Stop the service first: it holds the embedded stores open.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from knowledge.ingest import exclusive
from knowledge.layout import DataLayout
from ops import chroma_collection, data_folder, postgres, redis_sessions
from ops.crypto import BackupKey, decrypt_file
from ops.errors import BackupError
from ops.manifest import Manifest


@dataclass(frozen=True)
class Restored:
    created_at: str
    parts: list[str]
    sessions: int  # Redis keys restored (0 without Redis)


def restore_backup(settings: Settings, folder: Path, key: BackupKey | None) -> Restored:
    folder = folder.resolve()
    manifest = Manifest.read_verified(folder)
    _check_key(manifest, key)
    _check_targets(manifest, settings)
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        plain = {part: _opened(folder / name, work, key) for part, name in manifest.parts.items()}
        data_folder.check(plain["data"])
        if "chroma" in plain:
            chroma_collection.check(plain["chroma"])
        entries = redis_sessions.read(plain["redis"]) if "redis" in plain else []
        if "postgres" in plain:
            postgres.check(plain["postgres"], settings.pg_bin_dir)
        staging = data_folder.unpack(plain["data"], data_dir)
        # Everything is verified and staged: from here on the current data is replaced.
        if "postgres" in plain:
            assert settings.database_url
            postgres.restore(settings.database_url, plain["postgres"], settings.pg_bin_dir)
        if "redis" in plain:
            assert settings.redis_url
            redis_sessions.restore(settings.redis_url, entries)
        with exclusive(DataLayout(data_dir).ingest_lock):
            if "chroma" in plain:
                chroma_collection.restore(settings, plain["chroma"])
            data_folder.swap_in(staging, data_dir, keep={settings.backups.resolve(), folder, work})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Restored(manifest.created_at, sorted(manifest.parts), len(entries))


def _check_key(manifest: Manifest, key: BackupKey | None) -> None:
    if manifest.key_id is None:
        return
    if key is None:
        raise BackupError("this backup is encrypted: give its key (--key-file)")
    if key.key_id != manifest.key_id:
        raise BackupError("wrong key: this backup was encrypted with another key")


def _check_targets(manifest: Manifest, settings: Settings) -> None:
    """The backup's stores are the configured ones, so nothing is restored to the wrong place."""
    if "data" not in manifest.parts:
        raise BackupError("the manifest names no data folder: not a backup made by `rag backup`")
    for part, configured, variable in (
        ("chroma", settings.chroma_host, "CHROMA_HOST"),
        ("redis", settings.redis_url, "REDIS_URL"),
        ("postgres", settings.database_url, "DATABASE_URL"),
    ):
        if (part in manifest.parts) != bool(configured):
            held = "holds" if part in manifest.parts else "does not hold"
            state = "set" if configured else "not set"
            raise BackupError(f"this backup {held} {part} data but {variable} is {state}")


def _opened(path: Path, work: Path, key: BackupKey | None) -> Path:
    """The part's plain file: decrypted into ``work`` when encrypted, else the file itself."""
    if not path.name.endswith(".enc"):
        return path
    if key is None:
        raise BackupError(f"{path.name} is encrypted: give its key (--key-file)")
    plain = work / path.name.removesuffix(".enc")
    decrypt_file(path, plain, key)
    return plain
