"""``rag ask``: the answer graph in a terminal, streaming, with sessions."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Annotated

import typer

from core.settings import Settings

if TYPE_CHECKING:
    from graph.state import Answer


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
    from graph.sessions import InvalidSessionIdError, new_session_id, validate_session_id

    session_id = session or new_session_id()
    try:
        validate_session_id(session_id)
    except InvalidSessionIdError as exc:
        raise typer.BadParameter(str(exc), param_hint="--session") from exc
    answer, streamed = asyncio.run(_ask(question, session_id, stream=not as_json))
    if as_json:
        typer.echo(json.dumps({**answer, "session": session_id}, indent=2, ensure_ascii=False))
        return
    # Streamed tokens are the raw model text; print the checked answer when it differs
    # (removed citations, refusals, fallbacks that never reached the model).
    typer.echo("\n" if streamed else "", nl=False)
    if not streamed or answer["outcome"] != "answered":
        typer.echo(answer["answer"])
    for c in answer["citations"]:
        page = f" p.{c['page']}" if c.get("page") else ""
        typer.echo(f"  [{c['index']}] {c['source']}{page} — {c['heading']}")
    typer.echo(f"({answer['outcome']}; session {session_id})", err=True)


async def _ask(question: str, session_id: str, stream: bool) -> tuple[Answer, bool]:
    """The answer, and whether any of it was printed while it streamed."""
    from graph.answerer import open_answerer
    from graph.services import Services
    from observability.tracing import Tracing

    settings = Settings.from_env()
    services = Services.from_settings(settings)
    tracing = Tracing.from_settings(settings)
    streamed = False
    try:
        async with open_answerer(settings, services, tracing) as answerer:
            async for event in answerer.stream(question, session_id):
                if isinstance(event, dict):
                    answer = event
                elif not stream:
                    continue
                elif isinstance(event, str):
                    typer.echo(event, nl=False)
                    streamed = True
                else:  # the model broke off: what follows starts the answer again
                    typer.echo("\n", nl=False)
    finally:
        if tracing:
            tracing.shutdown()  # bounded: a down Langfuse host cannot hang the CLI
    return answer, streamed
