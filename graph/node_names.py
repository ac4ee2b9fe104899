"""The graph's node names, defined once: wiring, streaming, metrics and evals import them."""

from __future__ import annotations

from enum import StrEnum


class Node(StrEnum):
    GUARD = "guard"
    REWRITE = "rewrite"
    HYBRID_RETRIEVE = "hybrid-retrieve"
    RERANK = "rerank"
    GENERATE = "generate"
    FALLBACK = "fallback"


NODES = frozenset(Node)
# Only these nodes' LLM tokens are answer text; rewrite's tokens are internal.
ANSWER_NODES = frozenset({Node.GENERATE})
