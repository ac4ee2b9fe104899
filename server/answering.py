"""The runnable LangServe serves at ``/rag``: the answer graph behind a narrow, shaped interface.

Clients send ``{"question"}`` with ``config.configurable.thread_id`` as the session and get back
``{"answer", "citations", "outcome", "reason"}``; ``/stream`` yields ``{"token"}`` chunks and then
that final object. The graph runs with a config of our own making (its callbacks are not the
caller's), so ``/stream_events`` cannot expose node inputs, retrieved context or prompts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from langchain_core.runnables.utils import ConfigurableFieldSpec
from pydantic import BaseModel, ConfigDict, Field

from graph.answer import answer_token
from graph.context import Context
from server.cache import ResponseCache, cache_key

CACHEABLE = frozenset({"answered", "no_answer"})


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="Your question about your documents.")


class CitationOut(BaseModel):
    index: int
    chunk_id: str
    source: str
    heading: str
    page: int | None = None


class Answer(BaseModel):
    answer: str
    citations: list[CitationOut]
    outcome: str = Field(description="answered | no_answer | blocked | fallback")
    reason: str = ""


def shaped(values: dict[str, Any]) -> dict[str, Any]:
    """Only what a client should see, whatever else the graph state holds."""
    return {
        "answer": values.get("answer") or "",
        "citations": list(values.get("citations") or []),
        "outcome": values.get("outcome") or "fallback",
        "reason": values.get("reason") or "",
    }


class AnswerRunnable(RunnableSerializable[dict[str, Any], dict[str, Any]]):
    graph: Any  # CompiledStateGraph compiled with the async session store
    cache: ResponseCache
    corpus_version: Any  # () -> str
    callbacks_factory: Any = None  # (configurable, run_id) -> callback handlers for the graph run
    metadata_factory: Any = None  # (configurable) -> run metadata (tracing: session, user, prompt)
    on_answer: Any = None  # (answer, cached) -> None: metrics

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @property
    def InputType(self) -> type[Question]:  # type: ignore[override]  # narrower on purpose
        return Question

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

    def _graph_config(self, config: RunnableConfig | None) -> dict[str, Any]:
        config = config or {}
        configurable = config.get("configurable", {})
        run_id = config.get("run_id")
        return {
            "configurable": {"thread_id": configurable["thread_id"]},
            # Our own callbacks, not the caller's: nothing inside the graph reaches its events.
            "callbacks": self.callbacks_factory(configurable, run_id)
            if self.callbacks_factory
            else [],
            "metadata": self.metadata_factory(configurable) if self.metadata_factory else {},
        }

    async def _cached(self, question: str, graph_config: dict[str, Any]) -> tuple[str, Any]:
        state = await self.graph.aget_state(graph_config)
        history = [str(m.content) for m in state.values.get("messages", [])] if state else []
        key = cache_key(question, history, Context().prompt_version, self.corpus_version())
        return key, await self.cache.get(key)

    async def _remember_turn(
        self, question: str, answer: dict[str, Any], graph_config: dict[str, Any]
    ) -> None:
        """A cached answer still becomes part of the session's conversation."""
        await self.graph.aupdate_state(
            graph_config,
            {
                "question": question,
                **answer,
                "messages": [HumanMessage(question), AIMessage(answer["answer"])],
            },
            as_node="generate",
        )

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
        question = input["question"] if isinstance(input, dict) else input.question
        graph_config = self._graph_config(config)
        key, hit = await self._cached(question, graph_config)
        if hit is not None:
            await self._remember_turn(question, hit, graph_config)
            if self.on_answer:
                self.on_answer(hit, True)
            yield hit
            return
        values: dict[str, Any] = {}
        async for mode, payload in self.graph.astream(
            {"question": question},
            graph_config,
            context=Context(),
            stream_mode=["messages", "values"],
        ):
            if mode == "messages":
                token = answer_token(payload)
                if token:
                    yield {"token": token}
            else:
                values = payload
        answer = shaped(values)
        if answer["outcome"] in CACHEABLE:
            await self.cache.set(key, answer)
        if self.on_answer:
            self.on_answer(answer, False)
        yield answer

    def invoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        raise NotImplementedError("the service runs the graph asynchronously; use ainvoke")

    def stream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        raise NotImplementedError("the service runs the graph asynchronously; use astream")
