"""``rag ingest`` and ``rag search``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from core.settings import Settings
from knowledge.ingest import IngestReport, StorageFullError, ingest
from knowledge.retriever import HybridRetriever, RetrievedChunk


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to ingest.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Ingest Markdown, text, YAML and PDF files; unchanged files are not re-embedded.

    Files removed from an ingested folder lose their chunks; bad files are skipped with a reason.
    Exits 1 only when files were given and none could be ingested.
    """
    try:
        report = ingest(paths, Settings.from_env())
    except StorageFullError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else _summary(report))
    if report.skipped and report.files_indexed == 0:
        raise typer.Exit(1)


def _summary(report: IngestReport) -> str:
    lines = [
        f"files: {report.files_seen} seen, {report.files_indexed} indexed, "
        f"{len(report.skipped)} skipped",
        f"chunks: {report.chunks_added} added, {report.chunks_unchanged} unchanged, "
        f"{report.chunks_replaced} replaced, {report.chunks_removed} removed "
        f"({report.chunks_embedded} embedded, and {report.windows_embedded} windows)",
    ]
    if report.chunks_flagged:
        lines.append(f"  {report.chunks_flagged} chunk(s) read like instructions to an AI: flagged")
    lines += [f"  skipped {s.path}: {s.reason}" for s in report.skipped]
    lines.append(f"corpus version {report.corpus_version} in {report.seconds:.2f} s")
    return "\n".join(lines)


_ROW_KEYS = (
    *("chunk_id", "source", "heading", "text", "score", "page"),
    *("bm25_rank", "bm25_score", "dense_rank", "dense_score", "fused_rank", "rerank_score"),
)


def _row(result: RetrievedChunk) -> dict[str, Any]:
    data = result.to_dict()
    # "flagged": the ingest-time reason the passage reads like instructions to an AI, or null.
    return {**{key: data[key] for key in _ROW_KEYS}, "flagged": result.metadata.get("flagged")}


def search_command(
    query: Annotated[str | None, typer.Argument(help="The search query.")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=200, help="How many chunks.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch", help='JSON lines {"id", "query"} in ("-" = stdin); JSON lines out.'
        ),
    ] = None,
    no_rerank: Annotated[bool, typer.Option("--no-rerank", help="Fused order only.")] = False,
) -> None:
    """Print the final ranked chunks with each leg's rank (BM25, dense, fused, rerank)."""
    if (query is None) == (batch is None):
        raise typer.BadParameter("give either a QUERY or --batch FILE")
    retriever = HybridRetriever(Settings.from_env())
    if batch is not None:
        stream = sys.stdin if str(batch) == "-" else batch.open(encoding="utf-8")
        with stream:
            _search_batch(retriever, stream, k, not no_rerank)
        return
    assert query is not None
    results = retriever.search(query, k=k, rerank=not no_rerank)
    if as_json:
        typer.echo(json.dumps([_row(r) for r in results], indent=2, ensure_ascii=False))
        return
    if not results:
        typer.echo("no results (is anything ingested?)")
    for n, r in enumerate(results, start=1):
        where = f"{r.source}" + (f" p.{r.page}" if r.page else "")
        typer.echo(f"{n}. [{r.score:.4f}] {where} — {r.heading}")
        typer.echo(
            f"   chunk {r.chunk_id} · bm25 #{r.bm25_rank} · dense #{r.dense_rank}"
            f" · fused #{r.fused_rank}"
        )
        typer.echo("   " + r.text.replace("\n", "\n   "))


def _search_batch(retriever: HybridRetriever, lines: TextIO, k: int, rerank: bool) -> None:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            query = item["query"]
            if not isinstance(query, str) or not query.strip():
                raise ValueError("query must be a non-empty string")
        except (ValueError, KeyError, TypeError) as exc:
            typer.echo(f"line {number}: {exc}", err=True)
            raise typer.Exit(2) from exc
        results = retriever.search(query, k=k, rerank=rerank)
        out = {"id": item.get("id"), "results": [_row(r) for r in results]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
