"""Optional encryption of backup files with a Fernet key kept in a file.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) authenticates what it decrypts, so a
wrong key or a changed byte is detected, never restored. Files are encrypted in blocks, one token
per line, so memory stays bounded whatever the corpus size.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from ops.errors import BackupError

_BLOCK = 8 << 20


@dataclass(frozen=True)
class BackupKey:
    fernet: Fernet
    key_id: str  # a fingerprint stored in the manifest: tells a wrong key before decrypting

    @classmethod
    def load(cls, path: Path) -> BackupKey:
        try:
            raw = path.read_bytes().strip()
            return cls(Fernet(raw), key_id(raw))
        except OSError as exc:
            raise BackupError(f"backup key {path}: {exc.strerror}") from exc
        except ValueError as exc:
            raise BackupError(f"backup key {path}: not a key made by `rag backup-key`") from exc


def key_id(raw: bytes) -> str:
    return hashlib.sha256(b"personal-rag backup key\n" + raw).hexdigest()[:16]


def create_key_file(path: Path) -> None:
    """A new random key, readable by its owner only; never overwrites an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(Fernet.generate_key() + b"\n")


def encrypt_file(source: Path, target: Path, key: BackupKey) -> None:
    with source.open("rb") as src, target.open("wb") as out:
        while block := src.read(_BLOCK):
            out.write(key.fernet.encrypt(block) + b"\n")


def decrypt_file(source: Path, target: Path, key: BackupKey) -> None:
    with source.open("rb") as src, target.open("wb") as out:
        for line in src:
            try:
                out.write(key.fernet.decrypt(line.rstrip(b"\n")))
            except InvalidToken as exc:
                raise BackupError(f"{source}: cannot be decrypted with this key") from exc
