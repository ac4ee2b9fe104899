"""hybrid-retrieve: BM25 + dense candidates for the (rewritten) question, fused."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context
from graph.services import Retriever
from graph.state import State

log = logging.getLogger(__name__)


def make_hybrid_retrieve(
    retriever: Retriever,
) -> Callable[[State, Runtime[Context]], dict[str, Any]]:
    def hybrid_retrieve(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        query = state.get("search_query") or state["question"]
        try:
            results = retriever.retrieve(query, runtime.context.retrieve_k)
        except Exception as exc:  # the store is down or broken: the fallback node takes over
            log.exception("retrieval failed")
            return {"error": f"retrieval_failed: {type(exc).__name__}: {exc}"}
        return {"documents": [r.to_dict() for r in results]}

    return hybrid_retrieve
