"""A retriever wrapper that remembers the last full ranking it produced.

The graph's state keeps only the ``top_k`` passages given to the LLM; recall@10 and nDCG@10 need
the whole reranked candidate list, so the eval wraps the real retriever instead of changing the
graph.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from graph.services import Retriever
from knowledge.rerank import Reranker
from knowledge.retriever import RetrievedChunk
from knowledge.snapshot import Snapshot


class RecordingRetriever:
    def __init__(self, inner: Retriever) -> None:
        self.inner = inner
        self.last_ranking: list[str] = []

    @property
    def corpus(self) -> Snapshot:
        return self.inner.corpus

    @property
    def embeddings(self) -> Embeddings:
        return self.inner.embeddings

    @property
    def reranker(self) -> Reranker:
        return self.inner.reranker

    def search(self, query: str, k: int = 5, rerank: bool = True) -> list[RetrievedChunk]:
        return self.inner.search(query, k, rerank)

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
