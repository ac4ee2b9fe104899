"""Hybrid retrieval over the published snapshot: BM25 + dense, fused, optionally reranked."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from chromadb.errors import ChromaError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from core.settings import QueryExpansion, Settings
from knowledge import lexicon, snapshot, windows
from knowledge.abbreviations import Abbreviations
from knowledge.embeddings import load_embeddings
from knowledge.fusion import Fused, Ranked, boosted, rrf, weighted
from knowledge.layout import DataLayout
from knowledge.rerank import Reranker
from knowledge.vectorstore import nearest, open_vectorstore


class SearchUnavailableError(RuntimeError):
    """The vector store did not answer (a Chroma server down, hung or failing): no search."""


@dataclass
class RetrievedChunk:
    chunk_id: str
    source: str  # the document as users see it: relative to the folder it was ingested from
    heading: str
    text: str
    score: float
    page: int | None = None
    bm25_rank: int | None = None
    bm25_score: float | None = None
    dense_rank: int | None = None
    dense_score: float | None = None
    fused_rank: int | None = None
    rerank_score: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LegQueries:
    keyword: str  # the question, plus the other form of the abbreviations it uses
    dense: str
    lexicon: str  # the documents' words for what it asks about; searched apart, weighted down


def leg_queries(query: str, mode: QueryExpansion, abbreviations: Abbreviations) -> LegQueries:
    """What each leg searches for, per ``mode``: the question plus the other form of every
    abbreviation the corpus defines ("PMP" <-> "Project Management Professional"), and the
    documents' words for what a first-person question asks about ("employer" -> experience)."""
    if mode == "none" or (mode == "personal" and not lexicon.is_personal(query)):
        return LegQueries(query, query, "")
    expanded = abbreviations.expand(query)
    return LegQueries(
        expanded, expanded if mode == "both" else query, lexicon.document_words(query)
    )


def keyword_leg(
    search: Callable[[str, int], Ranked], legs: LegQueries, weight: float, k: int
) -> Ranked:
    """The keyword leg's top ``k``: the question's hits, boosted by the lexicon words' hits."""
    hits = search(legs.keyword, k)
    return boosted(hits, search(legs.lexicon, k), weight, k) if legs.lexicon else hits


class HybridRetriever:
    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings | None = None,
        store: Chroma | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings or load_embeddings(
            settings.embeddings, settings.embed_batch_size
        )
        self.store = store or open_vectorstore(settings, self.embeddings)
        self.reranker = reranker or Reranker(
            settings.rerank_model, settings.rerank_model_dir, settings.rerank_timeout_ms
        )
        self._index_dir = DataLayout(settings.data_dir).index_dir
        self._snapshot = snapshot.Snapshot.empty()
        self._lock = threading.Lock()

    @property
    def corpus(self) -> snapshot.Snapshot:
        """The live snapshot, reloaded when any process has published a newer one."""
        version = snapshot.current_version(self._index_dir)
        if version is not None and version != self._snapshot.version:
            with self._lock:
                if version != self._snapshot.version:
                    self._snapshot = snapshot.load(self._index_dir)
        return self._snapshot

    def keyword(self, query: str, k: int) -> list[tuple[str, float]]:
        return self.corpus.keyword_search(query, k)

    def dense(self, query: str, k: int) -> list[tuple[str, float]]:
        corpus = self.corpus
        if not corpus.chunks:
            return []
        vector = self.embeddings.embed_query(query)
        # Chunks and their windows share the store: ask for as many vectors as k chunks have.
        records = min(corpus.vector_count, -(-k * corpus.vector_count // len(corpus.chunks)))
        try:
            hits = nearest(self.store, vector, records)
        except (httpx.HTTPError, ChromaError) as exc:
            raise SearchUnavailableError(f"vector store unavailable: {exc}") from exc
        # Cosine distance → similarity; ids outside the snapshot are leftovers of a crashed ingest.
        live = [(i, 1.0 - dist) for i, dist in hits if windows.chunk_of(i) in corpus.by_id]
        return windows.chunk_scores(live, corpus.window_counts, self.settings.window_weight)[:k]

    def fuse(self, bm25: Ranked, dense: Ranked) -> list[Fused]:
        if self.settings.fusion == "weighted":
            return weighted(bm25, dense, self.settings.dense_weight)
        return rrf(bm25, dense, self.settings.rrf_k)

    def queries(self, query: str) -> LegQueries:
        return leg_queries(query, self.settings.query_expansion, self.corpus.abbreviations)

    def retrieve(self, query: str, k: int) -> list[RetrievedChunk]:
        """Fused hybrid results (no rerank), each with both legs' ranks and scores."""
        n = max(k, self.settings.candidates_per_leg)
        legs = self.queries(query)
        keyword = keyword_leg(self.keyword, legs, self.settings.lexicon_weight, n)
        fused = self.fuse(keyword, self.dense(legs.dense, n))
        corpus = self.corpus
        results = []
        for rank, item in enumerate(fused[:k], start=1):
            chunk = corpus.by_id[item.chunk_id]
            results.append(
                RetrievedChunk(
                    chunk_id=chunk.chunk_id,
                    source=chunk.document,
                    heading=chunk.heading,
                    text=chunk.text,
                    score=item.score,
                    page=chunk.page,
                    bm25_rank=item.bm25_rank,
                    bm25_score=item.bm25_score,
                    dense_rank=item.dense_rank,
                    dense_score=item.dense_score,
                    fused_rank=rank,
                    metadata=chunk.metadata,
                )
            )
        return results

    def rerank(self, query: str, results: list[RetrievedChunk]) -> list[RetrievedChunk]:
        """Reorder the top-N by the cross-encoder; the tail and any failure keep fused order."""
        head, tail = results[: self.settings.rerank_top_n], results[self.settings.rerank_top_n :]
        scores = self.reranker.scores(query, [f"{r.heading}\n{r.text}" for r in head])
        if scores is None:
            return results
        for result, score in zip(head, scores, strict=True):
            result.rerank_score = score
            result.score = score
        return sorted(head, key=lambda r: r.score, reverse=True) + tail

    def search(self, query: str, k: int = 5, rerank: bool = True) -> list[RetrievedChunk]:
        candidates = self.retrieve(query, max(k, self.settings.rerank_top_n if rerank else k))
        ranked = self.rerank(query, candidates) if rerank else candidates
        return ranked[:k]
