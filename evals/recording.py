"""A retriever wrapper that remembers the last full ranking it produced.

The graph's state keeps only the ``top_k`` passages given to the LLM; recall@10 and nDCG@10 need
the whole reranked candidate list, so the eval wraps the real retriever instead of changing the
graph.
"""

from __future__ import annotations

from graph.services import Retriever
from knowledge.retriever import RetrievedChunk
from knowledge.snapshot import Snapshot


class RecordingRetriever:
    def __init__(self, inner: Retriever) -> None:
        self.inner = inner
        self.last_ranking: list[str] = []

    @property
    def corpus(self) -> Snapshot:
        return self.inner.corpus

    def reset(self) -> None:
        self.last_ranking = []

    def retrieve(self, query: str, k: int) -> list[RetrievedChunk]:
        results = self.inner.retrieve(query, k)
        self.last_ranking = [r.chunk_id for r in results]
        return results

    def rerank(self, query: str, results: list[RetrievedChunk]) -> list[RetrievedChunk]:
        ranked = self.inner.rerank(query, results)
        self.last_ranking = [r.chunk_id for r in ranked]
        return ranked
