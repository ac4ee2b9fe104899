"""``rag backup``, ``rag restore`` and ``rag backup-key``: see docs/operations.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.settings import Settings
from ops.crypto import BackupKey, create_key_file
from ops.errors import BackupError

KeyFile = Annotated[
    Path | None,
    typer.Option(
        "--key-file", help="Fernet key file (`rag backup-key`); default: RAG_BACKUP_KEY_FILE."
    ),
]


def backup_command(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder of backups; default: RAG_BACKUP_DIR or DATA/backups."),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option("--keep", min=1, help="Then keep only the N newest backups in that folder."),
    ] = None,
    key_file: KeyFile = None,
) -> None:
    """Back up the corpus, sessions and the service's tables into a new folder."""
    from ops.backup import create_backup
    from ops.retention import prune

    settings = Settings.from_env()
    root = out or settings.backups
    try:
        folder = create_backup(settings, root, _key(settings, key_file))
    except (BackupError, OSError) as exc:
        typer.echo(f"error: backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    size = sum(f.stat().st_size for f in folder.iterdir())
    typer.echo(f"backup {folder} ({size / 1e6:.1f} MB)")
    if keep is not None:
        for removed in prune(root, keep):
            typer.echo(f"removed {removed}")


def restore_command(
    folder: Annotated[Path, typer.Argument(help="A backup folder (one holding manifest.json).")],
    key_file: KeyFile = None,
) -> None:
    """Restore a backup after verifying it whole; a bad backup changes nothing. Stop the service
    first."""
    from ops.restore import restore_backup

    settings = Settings.from_env()
    try:
        restored = restore_backup(settings, folder, _key(settings, key_file))
    except (BackupError, OSError) as exc:
        typer.echo(f"error: restore refused: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"restored the backup of {restored.created_at} ({', '.join(restored.parts)}; "
        f"{restored.sessions} session keys)"
    )


def backup_key_command(
    path: Annotated[Path, typer.Argument(help="Where to write the new key (must not exist).")],
) -> None:
    """Create a random backup encryption key, readable by its owner only."""
    try:
        create_key_file(path)
    except FileExistsError as exc:
        typer.echo(f"error: {path} exists; a key is never overwritten", err=True)
        raise typer.Exit(1) from exc
    except OSError as exc:
        typer.echo(f"error: {path}: {exc.strerror}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"wrote a new backup key to {path}: keep a copy apart from the backups")


def _key(settings: Settings, key_file: Path | None) -> BackupKey | None:
    path = key_file or settings.backup_key_file
    return BackupKey.load(path) if path else None
