"""A real PostgreSQL server for the tests, on 127.0.0.1 in a temp folder, stopped afterwards.

Like ``tests.servers.RedisServer``. initdb and postgres refuse to run as root, so when the tests
run as root both run as the ``postgres`` OS user, in a folder of its own outside pytest's
root-only temp tree. Each test gets a fresh database from ``create_database`` so one server can
serve the whole session.

The fixtures below are meant for ``pytest_plugins = ["tests.pg"]`` (in conftest.py, or in the
test modules that use them).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from core.settings import Settings
from server.db import Database, open_database
from server.migrations import migrate
from tests.servers import free_port


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL server not installed: run infra/dev/system-packages.sh")
    return found[-1].parent


class PostgresServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.workdir: Path | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        # Root may not run the server; any other user runs it as itself.
        self.user = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="rag-pg-"))
            if self.user is not None:
                owner = pwd.getpwnam(self.user)
                os.chown(self.workdir, owner.pw_uid, owner.pw_gid)
            self._run(
                "initdb", "-D", "data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
            )
        log = (self.workdir / "server.log").open("ab")
        args = [str(postgres_bin() / "postgres"), "-D", "data", "-p", str(self.port)]
        args += [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.workdir}",
        ]
        # Durability is irrelevant for throwaway test data; skipping fsync keeps tests fast.
        args += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self.proc = subprocess.Popen(
            args, cwd=self.workdir, user=self.user, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return self
            except psycopg.OperationalError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"postgres did not start: {(self.workdir / 'server.log').read_text()}")

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url_for(name)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)  # "fast" shutdown: ends open sessions
            self.proc.wait(timeout=30)
            self.proc = None

    def remove(self) -> None:
        self.stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def _run(self, tool: str, *args: str) -> None:
        assert self.workdir is not None
        subprocess.run(
            [str(postgres_bin() / tool), *args],
            cwd=self.workdir,
            user=self.user,
            check=True,
            capture_output=True,
        )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server."""
    return postgres_server.create_database()


@pytest.fixture(params=["postgres", "sqlite"])
def service_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The service database, migrated: PostgreSQL (DATABASE_URL set) and the SQLite default."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    db = open_database(Settings.from_env({}, data_dir=tmp_path / "data", database_url=url))
    assert db.dialect == request.param
    migrate(db)
    yield db
    db.close()
