"""``manifest.json``: what a backup holds, with each file's size and sha256.

It is written last, so a folder with a manifest is a complete backup (the "backup too old" alert
reads its modification time). Restore checks every file against it before touching anything.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ops.errors import BackupError

MANIFEST = "manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class FileEntry:
    bytes: int
    sha256: str


@dataclass
class Manifest:
    created_at: str
    key_id: str | None  # the encryption key's fingerprint; None: not encrypted
    parts: dict[str, str] = field(default_factory=dict)  # part ("data", "redis"...) -> file
    files: dict[str, FileEntry] = field(default_factory=dict)
    format: int = FORMAT

    def add(self, part: str, path: Path) -> None:
        self.parts[part] = path.name
        self.files[path.name] = FileEntry(path.stat().st_size, sha256_file(path))

    def write(self, folder: Path) -> None:
        """Atomically, after every file it names is complete on disk."""
        for name in self.files:
            _fsync(folder / name)
        temporary = folder / f".{MANIFEST}.tmp"
        temporary.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        _fsync(temporary)
        os.replace(temporary, folder / MANIFEST)

    @classmethod
    def read_verified(cls, folder: Path) -> Manifest:
        """The manifest, once every file it names is present with its size and checksum."""
        path = folder / MANIFEST
        if not folder.is_dir():
            raise BackupError(f"{folder}: no such backup folder")
        if not path.is_file():
            raise BackupError(f"{folder}: no {MANIFEST}, so not a complete backup")
        manifest = cls._parse(path)
        for name, expected in manifest.files.items():
            file = folder / name
            if not file.is_file():
                raise BackupError(f"{folder}: {name} is missing (partial backup)")
            size = file.stat().st_size
            if size != expected.bytes:
                raise BackupError(f"{file}: {size} bytes, the manifest says {expected.bytes}")
            if sha256_file(file) != expected.sha256:
                raise BackupError(f"{file}: checksum mismatch (the file is corrupt)")
        return manifest

    @classmethod
    def _parse(cls, path: Path) -> Manifest:
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                raise BackupError(f"{path}: format {raw.get('format')!r}, expected {FORMAT}")
            files = {name: FileEntry(**entry) for name, entry in raw["files"].items()}
            manifest = cls(raw["created_at"], raw["key_id"], dict(raw["parts"]), files)
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"{path}: unreadable manifest ({exc})") from exc
        if not set(manifest.parts.values()) <= set(manifest.files):
            raise BackupError(f"{path}: names a part it has no checksum for")
        return manifest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
