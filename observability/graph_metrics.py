"""A LangChain callback that turns graph runs into Prometheus metrics: per-node latency, input
guard blocks by layer and reason, LLM tokens, LLM errors and the time to an LLM's first token.
Attached to every graph run the service makes."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult

from graph.node_names import NODES, Node
from observability.metrics import Metrics


class MetricsObserver(BaseCallbackHandler):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self._started: dict[UUID, tuple[str, float]] = {}
        self._llm_started: dict[UUID, tuple[str, float]] = {}  # until the first token

    def on_chain_start(
        self,
        serialized: dict[str, Any] | None,
        inputs: Any,
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        node = (metadata or {}).get("langgraph_node")
        if node in NODES and name == node:  # the node's own run, not a runnable inside it
            self._started[run_id] = (node, time.perf_counter())

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        node = self._finish(run_id)
        blocked_by = outputs.get("blocked_by") if isinstance(outputs, dict) else None
        if node == Node.GUARD and blocked_by:
            layer, _, reason = str(blocked_by).partition(":")
            self.metrics.guard_blocks.labels(layer, reason).inc()

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._finish(run_id)

    def _finish(self, run_id: UUID) -> str | None:
        """The node whose run ended (None for other runs), its latency observed."""
        started = self._started.pop(run_id, None)
        if started is None:
            return None
        node, t0 = started
        self.metrics.node_latency.labels(node).observe(time.perf_counter() - t0)
        return node

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self._llm_started[run_id] = (_provider(metadata), time.perf_counter())

    def on_llm_new_token(
        self, token: str | list[str | dict[str, Any]], *, run_id: UUID, **kwargs: Any
    ) -> None:
        started = self._llm_started.pop(run_id, None)
        if started is not None:
            provider, t0 = started
            self.metrics.llm_first_token.labels(provider).observe(time.perf_counter() - t0)

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        self._llm_started.pop(run_id, None)  # a reply that was not streamed has no first token
        provider = _provider(kwargs.get("metadata"))
        for generations in response.generations:
            for generation in generations:
                usage = getattr(getattr(generation, "message", None), "usage_metadata", None)
                if usage:
                    self.metrics.llm_tokens.labels(provider, "prompt").inc(usage["input_tokens"])
                    self.metrics.llm_tokens.labels(provider, "completion").inc(
                        usage["output_tokens"]
                    )

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._llm_started.pop(run_id, None)
        self.metrics.llm_errors.labels(_provider(kwargs.get("metadata"))).inc()


def _provider(metadata: dict[str, Any] | None) -> str:
    return str((metadata or {}).get("ls_provider", "unknown"))
