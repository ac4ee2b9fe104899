"""``rag users``: the accounts that log in at ``POST /auth/token`` for a JWT.

Users live in PostgreSQL when DATABASE_URL is set, else in the SQLite file under the data folder:
the same database the service uses, migrated here if it is new.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from core.settings import Settings

users_app = typer.Typer(
    help="Manage the users who log in for a token (POST /auth/token).", no_args_is_help=True
)


@users_app.command("create")
def users_create_command(
    username: Annotated[str, typer.Argument(help="Login name (case-insensitive).")],
    admin: Annotated[
        bool, typer.Option("--admin", help="Admin role: may ingest and use admin routes.")
    ] = False,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from the first line of standard input."
        ),
    ] = False,
) -> None:
    """Create a user; prompts for the password (twice) unless --password-stdin."""
    # Imported here so the rest of the CLI starts without the database drivers.
    from server.audit import AuditLog
    from server.db import open_database
    from server.migrations import migrate
    from server.users import UserError, UserStore

    password = _read_password(password_stdin)
    settings = Settings.from_env()
    db = open_database(settings)
    try:
        migrate(db)
        user = UserStore(db).create(username, password, "admin" if admin else "user")
        AuditLog(db).record("cli", "user.create", user.username, user.role)
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        db.close()
    where = "PostgreSQL" if db.dialect == "postgres" else f"{settings.data_dir}"
    typer.echo(f"created {user.role} {user.username!r} ({where})")


def _read_password(from_stdin: bool) -> str:
    from server.users import UserError, check_password

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            check_password(password)
        except UserError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        return password
    while True:  # ask again until the password is long enough; Ctrl-C/EOF aborts
        password = str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
        try:
            check_password(password)
            return password
        except UserError as exc:
            typer.echo(f"error: {exc}", err=True)
