"""Backups in a folder, newest first, and ``--keep N``: older complete backups and leftovers of
interrupted ones (no manifest) are removed."""

from __future__ import annotations

import shutil
from pathlib import Path

from ops.manifest import MANIFEST


def complete_backups(root: Path) -> list[Path]:
    """Backup folders holding a manifest, newest first (names are UTC timestamps)."""
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def prune(root: Path, keep: int) -> list[Path]:
    """Keep the ``keep`` newest complete backups; returns the folders removed."""
    complete = complete_backups(root)
    removed = complete[keep:]
    if complete:  # an unfinished folder older than the newest complete backup is abandoned
        newest = complete[0].name
        removed += [
            p
            for p in root.iterdir()
            if p.is_dir() and not (p / MANIFEST).is_file() and p.name < newest
        ]
    for folder in removed:
        shutil.rmtree(folder)
    return removed
