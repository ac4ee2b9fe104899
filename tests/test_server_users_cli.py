"""``rag users create`` against real PostgreSQL and the SQLite default."""

from pathlib import Path

import typer
from typer.testing import CliRunner

from cli.users import users_app
from core.settings import Settings
from server.db import SQLITE_FILE, open_database
from server.users import UserStore

pytest_plugins = ["tests.pg"]

PASSWORD = "a long enough password"

# Registered the way cli/main.py does it, so the tests run `rag users create ...`.
rag = typer.Typer()
rag.add_typer(users_app, name="users")


def env(tmp_path: Path, database_url: str | None) -> dict[str, str | None]:
    return {"RAG_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database_url}


def stored(tmp_path: Path, database_url: str | None, username: str, password: str) -> str | None:
    settings = Settings.from_env({}, data_dir=tmp_path / "data", database_url=database_url)
    db = open_database(settings)
    try:
        user = UserStore(db).authenticate(username, password)
    finally:
        db.close()
    return None if user is None else user.role


def test_create_with_password_from_stdin_in_postgres(tmp_path: Path, postgres_url: str) -> None:
    result = CliRunner().invoke(
        rag,
        ["users", "create", "Alice", "--admin", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env(tmp_path, postgres_url),
    )
    assert result.exit_code == 0, result.output
    assert "created admin 'alice' (PostgreSQL)" in result.output
    assert stored(tmp_path, postgres_url, "alice", PASSWORD) == "admin"

    again = CliRunner().invoke(
        rag,
        ["users", "create", "alice", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env(tmp_path, postgres_url),
    )
    assert again.exit_code == 1
    assert "error: user 'alice' already exists" in again.output


def test_prompted_password_is_confirmed_and_long_enough_in_sqlite(tmp_path: Path) -> None:
    typed = ["short", "short", PASSWORD, "a typo in it", PASSWORD, PASSWORD]
    result = CliRunner().invoke(
        rag, ["users", "create", "bob"], input="\n".join(typed) + "\n", env=env(tmp_path, None)
    )
    assert result.exit_code == 0, result.output
    assert "password must be at least 12 characters" in result.output
    assert "do not match" in result.output
    assert "created user 'bob'" in result.output
    assert (tmp_path / "data" / SQLITE_FILE).is_file()
    assert stored(tmp_path, None, "bob", PASSWORD) == "user"


def test_short_password_on_stdin_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        rag,
        ["users", "create", "carol", "--password-stdin"],
        input="short\n",
        env=env(tmp_path, None),
    )
    assert result.exit_code == 1
    assert "password must be at least 12 characters" in result.output
    assert not (tmp_path / "data" / SQLITE_FILE).exists()  # refused before touching the database
