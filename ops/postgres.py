"""The service's tables in PostgreSQL (users, feedback, audit log, conversations) with
``pg_dump -Fc`` (one consistent snapshot of the database) and ``pg_restore``.

Connection settings go to the tools as libpq environment variables, so the password never shows
in a process listing. ``pg_restore --single-transaction`` makes the restore all or nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from ops.errors import BackupError

_LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
}


def dump(url: str, target: Path, bin_dir: Path | None) -> None:
    _run(bin_dir, "pg_dump", url, "--format=custom", f"--file={target}")


def check(archive: Path, bin_dir: Path | None) -> None:
    """The archive's table of contents reads (``pg_restore --list`` needs no server)."""
    _run(bin_dir, "pg_restore", None, "--list", str(archive))


def restore(url: str, archive: Path, bin_dir: Path | None) -> None:
    _run(
        bin_dir,
        "pg_restore",
        url,
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        f"--dbname={conninfo_to_dict(url).get('dbname', '')}",
        str(archive),
    )


def tool(name: str, bin_dir: Path | None) -> Path:
    """``bin_dir``/name, else on PATH, else the newest Debian PostgreSQL's."""
    candidates = [bin_dir / name] if bin_dir else []
    found = shutil.which(name)
    candidates += [Path(found)] if found else []
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} not found: install the PostgreSQL client or set RAG_PG_BIN_DIR")


def _run(bin_dir: Path | None, name: str, url: str | None, *args: str) -> None:
    env = dict(os.environ)
    if url is not None:
        env.update(
            {_LIBPQ_ENV[k]: str(v) for k, v in conninfo_to_dict(url).items() if k in _LIBPQ_ENV}
        )
    result = subprocess.run(
        [str(tool(name, bin_dir)), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()[-500:]}")
