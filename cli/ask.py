"""``rag ask``: the answer graph in a terminal, streaming, with sessions."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from core.settings import Settings


def ask_command(
    question: Annotated[str, typer.Argument(help="Your question.")],
    session: Annotated[
        str | None,
        typer.Option(
            "--session", help="Session id to continue a conversation (1-64 [A-Za-z0-9_-])."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"answer", "citations", "outcome", "reason"}.')
    ] = False,
) -> None:
    """Answer a question from your documents, with citations; streams unless --json."""
    # Imported here so `rag ingest`/`rag search` start without loading the graph and LLM stack.
    from core.tracing import Tracing
    from graph.answer import run_config, stream_answer
    from graph.builder import build_graph
    from graph.context import Context
    from graph.services import Services
    from graph.sessions import InvalidSessionIdError, new_session_id, open_checkpointer

    settings = Settings.from_env()
    session_id = session or new_session_id()
    services = Services.from_settings(settings)
    tracing = Tracing.from_settings(settings)
    callbacks = [tracing.handler()] if tracing else []
    metadata = Tracing.metadata(session_id, None, Context().prompt_version) if tracing else {}
    with open_checkpointer(settings) as checkpointer:
        graph = build_graph(services).compile(checkpointer=checkpointer)
        try:
            final: dict[str, Any] = {}
            streamed = False
            config = run_config(session_id, callbacks, metadata)
            for kind, payload in stream_answer(graph, question, session_id, config=config):
                if kind == "token" and not as_json:
                    typer.echo(payload, nl=False)
                    streamed = True
                elif kind == "final":
                    final = payload
        except InvalidSessionIdError as exc:
            raise typer.BadParameter(str(exc), param_hint="--session") from exc
        finally:
            if tracing:
                tracing.shutdown()  # bounded: a down Langfuse host cannot hang the CLI
    if as_json:
        typer.echo(json.dumps({**final, "session": session_id}, indent=2, ensure_ascii=False))
        return
    # Streamed tokens are the raw model text; print the checked answer when it differs
    # (removed citations, refusals, fallbacks that never reached the model).
    typer.echo("\n" if streamed else "", nl=False)
    if not streamed or final.get("outcome") != "answered":
        typer.echo(final.get("answer", ""))
    for c in final.get("citations") or []:
        page = f" p.{c['page']}" if c.get("page") else ""
        typer.echo(f"  [{c['index']}] {c['source']}{page} — {c['heading']}")
    typer.echo(f"({final.get('outcome')}; session {session_id})", err=True)
