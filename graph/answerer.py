"""The one way to ask the answer graph a question in a session: the CLI, the service and the evals
all go through ``Answerer.stream``.

It yields the answer's tokens as ``generate`` produces them, then the one output shape
(``graph.state.Answer``). When an LLM provider fails mid-reply and the next one answers from the
start, it yields ``RESTART`` first: the tokens before it were a reply that was abandoned.
The run's config is made here (session, tracing and metrics callbacks, trace metadata), never
taken from a caller, so nothing inside the graph reaches a caller's callbacks: node inputs,
retrieved passages and prompts stay internal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

from core.settings import Settings
from graph.builder import Graph, compile_graph
from graph.context import Context
from graph.node_names import ANSWER_NODES, Node
from graph.services import Services
from graph.sessions import open_checkpointer, store_errors, validate_session_id
from graph.state import Answer, to_answer
from observability.tracing import Tracing
from safety.echo import EchoFilter, echo_of


@dataclass(frozen=True)
class Restart:
    """The tokens streamed so far are void: their LLM call failed and another one answers."""


RESTART = Restart()


def answer_token(payload: Any) -> tuple[str, str | None] | None:
    """The answer text in a ``messages`` stream event and the id of the LLM call streaming it,
    or None for anything else (rewrite's tokens, tool chunks, empty deltas)."""
    chunk, meta = payload
    if (
        isinstance(chunk, AIMessageChunk)
        and meta.get("langgraph_node") in ANSWER_NODES
        and isinstance(chunk.content, str)
        and chunk.content
    ):
        return chunk.content, chunk.id
    return None


def session_config(session_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": validate_session_id(session_id)}}


def turn_config(session_id: str, trace_id: str | None) -> RunnableConfig:
    """The session's config for one turn. The trace id goes into the metadata LangGraph keeps
    with the turn's checkpoints (``run_id``), so feedback on a run finds its turn later."""
    config = session_config(session_id)
    if trace_id:
        config["metadata"] = {"run_id": trace_id}
    return config


@dataclass(frozen=True)
class Answerer:
    graph: Graph
    context: Context
    tracing: Tracing | None = None
    observers: Sequence[BaseCallbackHandler] = ()  # e.g. the service's Prometheus callback

    def run_config(
        self, session_id: str, user: str | None = None, trace_id: str | None = None
    ) -> RunnableConfig:
        config = turn_config(session_id, trace_id)
        callbacks: list[Any] = list(self.observers)
        if self.tracing is not None:
            callbacks.append(self.tracing.handler(trace_id))
            prompt = self.context.prompt_version
            metadata = self.tracing.metadata(session_id, user, prompt)
            config["metadata"] = {**config.get("metadata", {}), **metadata}
        config["callbacks"] = callbacks
        return config

    async def stream(
        self,
        question: str,
        session_id: str,
        *,
        user: str | None = None,
        trace_id: str | None = None,
    ) -> AsyncIterator[str | Restart | Answer]:
        """Answer tokens (``str``) while they are generated, then the ``Answer``. Tokens pass
        through an ``EchoFilter``: a model reciting its system prompt is cut off mid-stream.

        ``SessionStoreUnavailableError`` when the session store fails, before or during the run.
        """
        values: dict[str, Any] = {}
        call: str | None = None  # the LLM call whose tokens are being streamed
        echo = EchoFilter(echo_of(self.context.answer_prompt))
        with store_errors():
            async for mode, payload in self.graph.astream(
                {"question": question},
                self.run_config(session_id, user, trace_id),
                context=self.context,
                stream_mode=["messages", "values"],
            ):
                if mode != "messages":
                    values = cast(dict[str, Any], payload)
                    continue
                found = answer_token(payload)
                if not found:
                    continue
                token, streaming = found
                # Each LLM call streams under its own message id: a new one means the provider
                # chain moved on from a reply that broke off.
                if call is not None and streaming != call:
                    yield RESTART
                    echo = EchoFilter(echo_of(self.context.answer_prompt))
                call = streaming
                text = echo.feed(token)
                if text:
                    yield text
        rest = echo.flush()
        if rest:
            yield rest
        yield to_answer(values)

    async def ask(self, question: str, session_id: str, **run: Any) -> Answer:
        answer: Answer | None = None
        async for event in self.stream(question, session_id, **run):
            if isinstance(event, dict):
                answer = event
        assert answer is not None  # stream always ends with the answer
        return answer

    async def state(self, session_id: str) -> dict[str, Any]:
        """The session's last state: the conversation and the last turn's fields."""
        with store_errors():
            snapshot = await self.graph.aget_state(session_config(session_id))
        return dict(snapshot.values) if snapshot else {}

    async def conversation(self, session_id: str) -> list[str]:
        """The session's messages so far, oldest first."""
        state = await self.state(session_id)
        return [str(m.content) for m in state.get("messages", [])]

    async def record(
        self, session_id: str, question: str, answer: Answer, trace_id: str | None = None
    ) -> None:
        """A turn answered without running the graph (a cached answer) still joins the session."""
        turn = {"question": question, **answer}
        messages = [HumanMessage(question), AIMessage(answer["answer"])]
        with store_errors():
            await self.graph.aupdate_state(
                turn_config(session_id, trace_id),
                {**turn, "messages": messages},
                as_node=Node.GENERATE,
            )

    @property
    def sessions(self) -> BaseCheckpointSaver[Any]:
        """The session store the graph was compiled with."""
        checkpointer = self.graph.checkpointer
        if not isinstance(checkpointer, BaseCheckpointSaver):
            raise RuntimeError("this graph was compiled without a session store")
        return checkpointer


@asynccontextmanager
async def open_answerer(
    settings: Settings,
    services: Services,
    tracing: Tracing | None = None,
    observers: Sequence[BaseCallbackHandler] = (),
) -> AsyncIterator[Answerer]:
    """The graph compiled with the session store, for as long as the store is open."""
    async with open_checkpointer(settings) as checkpointer:
        graph = compile_graph(services, checkpointer)
        yield Answerer(graph, Context.from_settings(settings), tracing, observers)
