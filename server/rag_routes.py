"""``/rag``: the answer graph through LangServe, every request checked before the graph runs.

Clients send ``{"question"}`` with ``config.configurable.thread_id`` as the session and get back
the ``Answer`` shape (``graph.state``); ``/stream`` yields ``{"token"}`` chunks and then that final
object, with a ``{"restart": true}`` chunk when the LLM failed mid-reply and another one starts
over (the tokens before it are void). Questions go through ``Answerer.stream``, which runs the
graph with a config of its own making, so ``/stream_events`` cannot expose node inputs, retrieved
context or prompts.

In front of the graph sits the response cache: a hit is answered without running the graph and
still recorded in the session's conversation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from uuid import UUID, uuid4

from fastapi import Depends, FastAPI
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from langchain_core.runnables.utils import ConfigurableFieldSpec
from langchain_core.tracers.log_stream import RunLogPatch
from langserve import add_routes
from langserve.server import EndpointName
from pydantic import BaseModel, ConfigDict, Field

from graph.answerer import Restart
from graph.sessions import new_session_id
from graph.state import Answer
from server.auth import require_client
from server.cache import cache_key
from server.request_checks import check_rag_request
from server.state import AppState, state_of

# stream_log is what LangServe's playground runs; the runnable builds that log itself from its
# own output (AnswerRunnable.astream_log), so it never carries a run tree from inside the graph.
ENDPOINTS: list[EndpointName] = [
    "invoke",
    "batch",
    "stream",
    "stream_log",
    "stream_events",
    "playground",
    "input_schema",
    "output_schema",
    "config_schema",
]
CACHEABLE = frozenset({"answered", "no_answer"})


class QuestionIn(BaseModel):
    """The input clients send (``graph.state.InputState`` over HTTP). The empty default is for
    LangServe's playground, which would otherwise greet a developer with "must have required
    property 'question'" before anything is typed; a request without a question is still refused
    with a 422 by ``check_rag_request``."""

    model_config = ConfigDict(extra="forbid")  # an unknown input field is a 4xx, not ignored
    question: str = Field(default="", description="What to ask about your documents.")


class AnswerRunnable(RunnableSerializable[dict[str, Any], dict[str, Any]]):
    # The application state exists once the service has started; routes are mounted before.
    app_state: Callable[[], AppState]

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @property
    def InputType(self) -> type[QuestionIn]:  # type: ignore[override]  # narrower on purpose
        return QuestionIn

    @property
    def OutputType(self) -> type[Answer]:  # type: ignore[override]
        return Answer

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        # Declared so LangServe keeps thread_id instead of dropping it from the request config.
        # The default only fills the playground's form (a fresh session on each page load,
        # instead of an empty box flagged "must be string"): requests still have to send one.
        return [
            ConfigurableFieldSpec(
                id="thread_id",
                annotation=str,
                name="Session id",
                description="1-64 characters: letters, digits, '-' or '_'.",
                default=f"playground-{new_session_id()}",
            )
        ]

    async def ainvoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        final: dict[str, Any] = {}
        async for chunk in self.astream(input, config):
            if "outcome" in chunk:  # the answer, not a token or a restart
                final = chunk
        return final

    async def astream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[dict[str, Any]]:
        # Deliberately not through LangChain's run callbacks: /stream_events then shows no run
        # of ours at all (only "end"), so nothing of the graph's insides can reach it.
        config = config or {}
        state = self.app_state()
        question = input["question"].strip()  # as the guard node would
        configurable = config.get("configurable", {})
        session_id = configurable["thread_id"]
        conversation = configurable["conversations"][session_id]  # read by check_rag_request
        corpus_version = state.services.retriever.corpus.version
        prompt_version = state.answerer.context.prompt_version
        key = cache_key(question, conversation, prompt_version, corpus_version)
        # The LangServe run id is the trace id, so feedback on that run scores this trace; the
        # session keeps it with the turn, so the feedback finds its turn too.
        run_id = config.get("run_id")
        trace_id = UUID(str(run_id)).hex if run_id else None
        hit = await state.cache.get(key)
        if hit is not None:
            await state.answerer.record(session_id, question, hit, trace_id)
            state.metrics.count_answer(hit, cached=True)
            yield dict(hit)
            return
        user = configurable.get("principal")
        async for event in state.answerer.stream(
            question, session_id, user=user, trace_id=trace_id
        ):
            if isinstance(event, str):
                yield {"token": event}
                continue
            if isinstance(event, Restart):
                yield {"restart": True}
                continue
            if event["outcome"] in CACHEABLE:
                await state.cache.set(key, event, session_id)
            state.metrics.count_answer(event, cached=False)
            yield dict(event)

    async def astream_log(  # type: ignore[override]  # always the diff form LangServe asks for
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[RunLogPatch]:
        """The run log of this runnable's own run, and nothing else: its state, then each chunk
        of ``astream`` as streamed output and the answer as final output. LangChain's own log
        would follow callbacks; this one cannot show anything the graph did on the way."""
        run_id = str((config or {}).get("run_id") or uuid4())
        root = {"id": run_id, "name": "/rag", "type": "chain", "logs": {}}
        yield RunLogPatch(
            {
                "op": "replace",
                "path": "",
                "value": {**root, "streamed_output": [], "final_output": None},
            }
        )
        async for chunk in self.astream(input, config):
            ops: list[dict[str, Any]] = [
                {"op": "add", "path": "/streamed_output/-", "value": chunk}
            ]
            if "outcome" in chunk:  # the answer, not a token or a restart
                ops.append({"op": "replace", "path": "/final_output", "value": chunk})
            yield RunLogPatch(*ops)

    def invoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        raise NotImplementedError("the service runs the graph asynchronously; use ainvoke")

    def stream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        raise NotImplementedError("the service runs the graph asynchronously; use astream")


def mount_rag(app: FastAPI) -> None:
    runnable = AnswerRunnable(app_state=lambda: state_of(app))
    add_routes(
        app,
        runnable,
        path="/rag",
        enabled_endpoints=ENDPOINTS,
        per_req_config_modifier=check_rag_request,
        dependencies=[Depends(require_client)],
    )
