"""Step 4: warm latency of each stage, p50/p95, with rerank through the plumbing models."""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, cast

from langchain_core.embeddings import Embeddings

from benchmarks.retrieval.machine import contention, peak_rss_mb
from benchmarks.retrieval.output import log
from benchmarks.retrieval.phases.rerank_cost import rerank_cost
from benchmarks.retrieval.timing import stats, timed
from core.settings import Settings
from knowledge.retriever import HybridRetriever


def _forget_queries(embeddings: Embeddings) -> None:
    """Empty the model's query-embedding cache (if it has one): every timed query is a miss."""
    cache = getattr(embeddings, "_query_cache", None)
    if cache is not None and hasattr(cache, "clear"):
        cache.clear()


def phase_latency(
    settings: Settings, texts: list[str], rerank_dir: Path | None, proxy_dir: Path | None
) -> dict[str, Any]:
    """Warm process; the query-embedding cache is emptied before every timed call."""
    log(f"== 4. latency (warm, {len(texts)} queries, k=10), load {contention()} ==")
    cold_started = time.perf_counter()
    retriever = HybridRetriever(settings)
    retriever.retrieve(texts[0], 10)
    cold_ms = (time.perf_counter() - cold_started) * 1000
    emb = retriever.embeddings
    for text in texts[:10]:  # warm-up
        _forget_queries(emb)
        retriever.retrieve(text, 10)
    n = settings.candidates_per_leg
    collection = getattr(retriever.store, "_collection", None)
    stages: dict[str, list[float]] = {
        k: [] for k in ("keyword", "dense", "retrieve", "retrieve_cached_query")
    }
    parts: dict[str, list[float]] = {
        k: [] for k in ("embed_query", "vector_search_langchain", "vector_search_ids_only")
    }
    for text in texts:
        timed(partial(retriever.keyword, text, n), stages["keyword"])
        _forget_queries(emb)
        timed(partial(retriever.dense, text, n), stages["dense"])
        _forget_queries(emb)
        timed(partial(retriever.retrieve, text, 10), stages["retrieve"])
        timed(partial(retriever.retrieve, text, 10), stages["retrieve_cached_query"])
        # Where the dense leg's time goes.
        _forget_queries(emb)
        vector = cast(list[float], timed(partial(emb.embed_query, text), parts["embed_query"]))
        timed(
            partial(retriever.store.similarity_search_by_vector_with_relevance_scores, vector, n),
            parts["vector_search_langchain"],
        )
        if collection is not None:
            timed(
                partial(
                    collection.query, query_embeddings=[vector], n_results=n, include=["distances"]
                ),
                parts["vector_search_ids_only"],
            )
    fallbacks: dict[str, int] = {}
    model_only: dict[str, dict[str, float]] = {}
    for label, folder in (
        ("search_rerank_plumbing", rerank_dir),
        ("search_rerank_tinybert_shape", proxy_dir),
    ):
        if folder is None:
            continue
        rr = HybridRetriever(
            replace(settings, rerank_model_dir=folder, rerank_top_n=20),
            embeddings=emb,
            store=retriever.store,
        )
        status = rr.reranker.status()
        if not status.available:
            log(f"  {label}: reranker unavailable ({status.detail}), skipped")
            continue
        for text in texts[:10]:
            _forget_queries(emb)
            rr.search(text, 10, rerank=True)
        stages[label] = []
        fallbacks[label] = 0
        for text in texts:
            _forget_queries(emb)
            out = timed(partial(rr.search, text, 10, rerank=True), stages[label])
            if out and all(r.rerank_score is None for r in out):  # type: ignore[attr-defined]
                fallbacks[label] += 1
        if label == "search_rerank_tinybert_shape":
            model_only = rerank_cost(settings.rerank_model, folder, retriever, texts[:100])
    result: dict[str, Any] = {
        "cold_first_query_ms": round(cold_ms, 1),
        "load_after": contention(),
        "stages": {},
        "dense_parts": {k: stats(v) for k, v in parts.items() if v},
        "rerank_model_only": model_only,
    }
    for name, times in stages.items():
        row: dict[str, Any] = stats(times)
        if name in fallbacks:
            row["fallbacks_to_fused_order"] = fallbacks[name]
        result["stages"][name] = row
        log(f"  {name:30s} p50 {row['p50_ms']:7.2f} ms   p95 {row['p95_ms']:7.2f} ms   {row}")
    for name, row in {**result["dense_parts"], **model_only}.items():
        log(f"  {name:30s} p50 {row['p50_ms']:7.2f} ms   p95 {row['p95_ms']:7.2f} ms")
    log(f"  cold start (open retriever + first query): {cold_ms:.0f} ms")
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result
