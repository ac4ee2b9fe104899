"""The ``rag`` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from cli import knowledge

app = typer.Typer(
    help="personal-rag: grounded, cited answers about your own documents.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("ingest")(knowledge.ingest_command)
app.command("search")(knowledge.search_command)

if __name__ == "__main__":
    app()
