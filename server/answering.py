"""The runnable LangServe serves at ``/rag``: the answer graph behind a narrow, shaped interface.

Clients send ``{"question"}`` with ``config.configurable.thread_id`` as the session and get back
the ``Answer`` shape (``graph.state``); ``/stream`` yields ``{"token"}`` chunks and then that final
object. Questions go through ``Answerer.stream``, which runs the graph with a config of its own
making, so ``/stream_events`` cannot expose node inputs, retrieved context or prompts.

In front of the graph sits the response cache: a hit is answered without running the graph and
still recorded in the session's conversation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from uuid import UUID

from langchain_core.runnables import RunnableConfig, RunnableSerializable
from langchain_core.runnables.utils import ConfigurableFieldSpec
from pydantic import ConfigDict

from graph.state import Answer, InputState
from server.cache import cache_key
from server.state import AppState

CACHEABLE = frozenset({"answered", "no_answer"})


class AnswerRunnable(RunnableSerializable[dict[str, Any], dict[str, Any]]):
    # The application state exists once the service has started; routes are mounted before.
    app_state: Callable[[], AppState]

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @property
    def InputType(self) -> type[InputState]:  # type: ignore[override]  # narrower on purpose
        return InputState

    @property
    def OutputType(self) -> type[Answer]:  # type: ignore[override]
        return Answer

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        # Declared so LangServe keeps thread_id instead of dropping it from the request config.
        return [
            ConfigurableFieldSpec(
                id="thread_id",
                annotation=str,
                name="Session id",
                description="1-64 characters: letters, digits, '-' or '_'.",
            )
        ]

    async def ainvoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        final: dict[str, Any] = {}
        async for chunk in self.astream(input, config):
            if "token" not in chunk:
                final = chunk
        return final

    async def astream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[dict[str, Any]]:
        state = self.app_state()
        question = input["question"].strip()  # as the guard node would
        configurable = (config or {}).get("configurable", {})
        session_id = configurable["thread_id"]
        conversation = await state.answerer.conversation(session_id)
        corpus_version = state.services.retriever.corpus.version
        prompt_version = state.answerer.context.prompt_version
        key = cache_key(question, conversation, prompt_version, corpus_version)
        hit = await state.cache.get(key)
        if hit is not None:
            await state.answerer.record(session_id, question, hit)
            state.metrics.count_answer(hit, cached=True)
            yield dict(hit)
            return
        run_id = (config or {}).get("run_id")
        # The LangServe run id is the trace id, so feedback on that run scores this trace.
        trace_id = UUID(str(run_id)).hex if run_id else None
        user = configurable.get("principal")
        async for event in state.answerer.stream(
            question, session_id, user=user, trace_id=trace_id
        ):
            if isinstance(event, str):
                yield {"token": event}
                continue
            if event["outcome"] in CACHEABLE:
                await state.cache.set(key, event)
            state.metrics.count_answer(event, cached=False)
            yield dict(event)

    def invoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        raise NotImplementedError("the service runs the graph asynchronously; use ainvoke")

    def stream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        raise NotImplementedError("the service runs the graph asynchronously; use astream")
