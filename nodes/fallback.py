"""fallback: answer as much as we honestly can when retrieval or every LLM failed.

With passages: the best ones with their sources, clearly labelled as passages rather than an
answer. Without: a plain apology. Either way ``outcome=fallback`` and a reason category; the
error detail stays in logs and traces.
"""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context
from graph.state import Citation, State
from nodes.citations import citation_for
from nodes.history import record_turn
from prompts.replies import PASSAGES_ONLY, SEARCH_UNAVAILABLE

log = logging.getLogger(__name__)

PASSAGES = 3
EXCERPT_CHARS = 400


def fallback(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    error = state.get("error") or "unknown"
    category = error.split(":", 1)[0]
    log.warning("fallback answer (%s): %s", category, error)
    documents = state.get("documents", [])[:PASSAGES]
    if not documents:
        answer = SEARCH_UNAVAILABLE
        citations: list[Citation] = []
    else:
        lines = [PASSAGES_ONLY]
        citations = []
        for n, doc in enumerate(documents, start=1):
            excerpt = " ".join(str(doc["text"]).split())[:EXCERPT_CHARS]
            lines.append(f"[{n}] {doc['heading']}: {excerpt}")
            citations.append(citation_for(n, doc))
        answer = "\n".join(lines)
    return {
        "answer": answer,
        "citations": citations,
        "outcome": "fallback",
        "reason": category,
        "messages": record_turn(state, answer),
    }
