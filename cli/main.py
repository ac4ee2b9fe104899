"""The ``rag`` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from cli import ask, knowledge
from cli.models import models_app

app = typer.Typer(
    help="personal-rag: grounded, cited answers about your own documents.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("ingest")(knowledge.ingest_command)
app.command("search")(knowledge.search_command)
app.command("ask")(ask.ask_command)
app.add_typer(models_app, name="models")

if __name__ == "__main__":
    app()
