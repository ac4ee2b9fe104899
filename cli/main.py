"""The ``rag`` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from cli import ask, backup, guard, knowledge, serve
from cli.eval import eval_command
from cli.models import models_app
from cli.sessions import sessions_app
from cli.users import users_app

app = typer.Typer(
    help="personal-rag: grounded, cited answers about your own documents.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("ingest")(knowledge.ingest_command)
app.command("search")(knowledge.search_command)
app.command("ask")(ask.ask_command)
app.command("serve")(serve.serve_command)
app.command("guard")(guard.guard_command)
app.command("eval")(eval_command)
app.command("backup")(backup.backup_command)
app.command("restore")(backup.restore_command)
app.command("backup-key")(backup.backup_key_command)
app.add_typer(models_app, name="models")
app.add_typer(users_app, name="users")
app.add_typer(sessions_app, name="sessions")

if __name__ == "__main__":
    app()
