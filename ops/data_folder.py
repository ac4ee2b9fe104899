"""The data folder (corpus: Chroma, snapshots, ingest records, uploads; and the SQLite sessions
and service tables when no server holds them) as one tar file, and back.

Both directions run under the ingest lock (taken by the caller), so the index, the snapshot and
the records agree; SQLite files are copied through SQLite's backup API (a consistent copy, WAL
included, while others write). Restored by unpacking into a staging folder inside the data folder
and moving its entries into place, so a refused or failed restore leaves the current files as they
were.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Collection, Iterator
from contextlib import closing
from pathlib import Path

from knowledge.layout import DataLayout
from ops.errors import BackupError

_SQLITE_MAGIC = b"SQLite format 3\x00"
# Rebuilt or owned by SQLite / this module: never packed nor replaced.
_SKIPPED_SUFFIXES = ("-wal", "-shm", "-journal")
_STAGING = ".restore-"
_REPLACED = ".replaced-"


def pack(data_dir: Path, target: Path, *, exclude: Collection[Path]) -> None:
    """``target``: a tar of the data folder without ``exclude`` (backups, when inside it)."""
    layout = DataLayout(data_dir)
    with (
        tempfile.TemporaryDirectory(dir=target.parent, prefix=".sqlite-") as copies,
        tarfile.open(target, "w") as tar,
    ):
        for path in _files(data_dir, skip={layout.ingest_lock, *exclude}):
            name = path.relative_to(data_dir).as_posix()
            if _is_sqlite(path):
                copy = Path(copies) / "copy.sqlite"
                _sqlite_copy(path, copy)
                tar.add(copy, arcname=name)
                copy.unlink()
            else:
                tar.add(path, arcname=name)


def check(archive: Path) -> None:
    """Every member is a plain file or folder inside the archive's root."""
    try:
        with tarfile.open(archive, "r") as tar:
            for member in tar:
                tarfile.data_filter(member, "/staging")
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"{archive}: unexpected member {member.name}")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive}: not a readable archive ({exc})") from exc


def unpack(archive: Path, data_dir: Path) -> Path:
    """The archive unpacked into a new staging folder inside ``data_dir``; returns it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=data_dir))
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(staging, filter="data")
    except (tarfile.TarError, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"cannot unpack {archive.name}: {exc}") from exc
    return staging


def swap_in(staging: Path, data_dir: Path, *, keep: Collection[Path]) -> None:
    """Replace the data folder's entries by the staging folder's.

    Entries move by rename (same file system); ``keep`` (the backups) and the lock stay. If a
    move fails, the moved entries are put back.
    """
    layout = DataLayout(data_dir)
    replaced = Path(tempfile.mkdtemp(prefix=_REPLACED, dir=data_dir))
    # A kept folder deeper inside the data folder keeps the top-level entry that holds it.
    kept = {data_dir / p.relative_to(data_dir).parts[0] for p in keep if p.is_relative_to(data_dir)}
    current = [
        entry
        for entry in data_dir.iterdir()
        if entry not in {layout.ingest_lock, replaced, staging, *kept}
        and not entry.name.startswith((_STAGING, _REPLACED))
    ]
    moved_out: list[Path] = []
    moved_in: list[Path] = []
    try:
        for entry in current:
            os.replace(entry, replaced / entry.name)
            moved_out.append(entry)
        for entry in staging.iterdir():
            os.replace(entry, data_dir / entry.name)
            moved_in.append(data_dir / entry.name)
    except OSError as exc:
        for entry in moved_in:
            os.replace(entry, staging / entry.name)
        for entry in moved_out:
            os.replace(replaced / entry.name, entry)
        raise BackupError(f"could not move the restored files into {data_dir}: {exc}") from exc
    shutil.rmtree(replaced, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _files(root: Path, skip: set[Path]) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if any(parent in skip for parent in (path, *path.parents)):
            continue
        if path.relative_to(root).parts[0].startswith((_STAGING, _REPLACED)):
            continue
        if path.is_file() and not path.name.endswith(_SKIPPED_SUFFIXES):
            yield path


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC


def _sqlite_copy(source: Path, target: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
            # A single file: the copy must not depend on a WAL left beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {source}: {exc}") from exc
