"""Asking the compiled graph a question in a session: the one entry point for CLI and server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.messages import AIMessageChunk
from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph

from graph.context import Context
from graph.sessions import validate_session_id
from graph.state import InputState, OutputState, State

# Only these nodes' LLM tokens are answer text; rewrite's tokens are internal.
ANSWER_NODES = frozenset({"generate"})


def answer_token(payload: Any) -> str | None:
    """The answer text in a ``messages`` stream event, or None for anything else (rewrite's
    tokens, tool chunks, empty deltas)."""
    chunk, meta = payload
    if (
        isinstance(chunk, AIMessageChunk)
        and meta.get("langgraph_node") in ANSWER_NODES
        and isinstance(chunk.content, str)
        and chunk.content
    ):
        return chunk.content
    return None


def run_config(
    session_id: str, callbacks: list[Any] | None = None, metadata: dict[str, Any] | None = None
) -> RunnableConfig:
    return {
        "configurable": {"thread_id": validate_session_id(session_id)},
        "callbacks": callbacks or [],
        "metadata": metadata or {},
    }


def ask(
    graph: CompiledStateGraph[State, Context, InputState, OutputState],
    question: str,
    session_id: str,
    context: Context | None = None,
) -> dict[str, Any]:
    result = graph.invoke(
        {"question": question}, run_config(session_id), context=context or Context()
    )
    return dict(result)


def stream_answer(
    graph: CompiledStateGraph[State, Context, InputState, OutputState],
    question: str,
    session_id: str,
    context: Context | None = None,
    config: RunnableConfig | None = None,
) -> Iterator[tuple[str, Any]]:
    """Yields ``("token", text)`` while the answer is generated, then ``("final", output)``.
    ``config`` (from ``run_config``) carries callbacks such as tracing."""
    final: dict[str, Any] = {}
    events: Iterator[tuple[str, Any]] = graph.stream(  # type: ignore[assignment]
        {"question": question},
        config or run_config(session_id),
        context=context or Context(),
        stream_mode=["messages", "values"],
    )
    for mode, payload in events:
        if mode == "messages":
            token = answer_token(payload)
            if token:
                yield "token", token
        elif mode == "values":
            final = dict(payload)
    yield "final", {k: final.get(k) for k in ("answer", "citations", "outcome", "reason")}
