"""Step 3: quality on the queries with qrels, document level, per leg, fused and swept."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.retrieval.fusion_variants import as_ranked, weighted_z
from benchmarks.retrieval.output import log
from benchmarks.retrieval.ranking import Qrels, Ranked, dedupe_docs, evaluate, ndcg_at, paired
from knowledge.fusion import rrf, weighted
from knowledge.retriever import HybridRetriever

LEG_DEPTH = 200  # chunks asked of each leg for the quality runs (>= 100 docs after dedupe)
RRF_KS = (1, 5, 10, 20, 40, 60, 100, 200)
DENSE_WEIGHTS = (0.3, 0.5, 0.7)
WEIGHT_SWEEP = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
DEPTHS = (10, 20, 50, 100, 200)


def phase_quality(
    retriever: HybridRetriever,
    queries: dict[str, str],
    qrels: Qrels,
    vectors: np.ndarray | None,
) -> dict[str, Any]:
    log(f"== 3. quality: {len(qrels)} queries with qrels, {LEG_DEPTH} chunks per leg ==")
    corpus = retriever.corpus
    doc_of = {c.chunk_id: Path(c.source).stem for c in corpus.chunks}.__getitem__
    chunk_ids = [c.chunk_id for c in corpus.chunks]
    n = retriever.settings.candidates_per_leg
    Leg = dict[str, list[tuple[str, float]]]
    bm25: Leg = {}
    dense: Leg = {}  # Chroma HNSW asked for LEG_DEPTH chunks
    dense_n: Leg = {}  # Chroma HNSW asked for candidates_per_leg chunks, as retrieve() does
    exact: Leg = {}  # brute force over the same chunk vectors (from step 1b)
    for qid in qrels:
        text = queries[qid]
        bm25[qid] = retriever.keyword(text, LEG_DEPTH)
        dense[qid] = retriever.dense(text, LEG_DEPTH)
        dense_n[qid] = retriever.dense(text, n)
        if vectors is not None:
            qv = np.asarray(retriever.embeddings.embed_query(text), dtype=np.float32)
            sims = vectors @ qv
            top = np.argpartition(-sims, min(LEG_DEPTH, len(sims) - 1))[:LEG_DEPTH]
            top = top[np.argsort(-sims[top])]
            exact[qid] = [(chunk_ids[i], float(sims[i])) for i in top]

    per_query: dict[str, dict[str, float]] = {}  # run -> query -> nDCG@10
    rows: dict[str, dict[str, float]] = {}

    def record(
        name: str, make: Callable[[str], Ranked], table: dict[str, dict[str, float]]
    ) -> None:
        rankings = {q: dedupe_docs(make(q), doc_of) for q in qrels}
        per_query[name] = {q: ndcg_at(rankings[q], qrels[q]) for q in qrels}
        table[name] = evaluate(rankings, qrels)

    def fused(
        method: str, param: float, depth: int = LEG_DEPTH, dense_leg: Leg | None = None
    ) -> Callable[[str], Ranked]:
        legd = dense if dense_leg is None else dense_leg

        def run(q: str) -> Ranked:
            b, d = bm25[q][:depth], legd[q][:depth]
            if method == "rrf":
                return as_ranked(rrf(b, d, int(param)))
            if method == "weighted":
                return as_ranked(weighted(b, d, param))
            return weighted_z(b, d, param)

        return run

    record("bm25", lambda q: bm25[q], rows)
    record("dense", lambda q: dense[q], rows)
    if exact:
        record("dense_exact", lambda q: exact[q], rows)
    for k in RRF_KS:
        record(f"rrf_k{k}", fused("rrf", k), rows)
    for w in sorted(set(WEIGHT_SWEEP) | set(DENSE_WEIGHTS)):
        record(f"weighted_w{w}", fused("weighted", w), rows)
        record(f"weighted_z_w{w}", fused("weighted_z", w), rows)
    # The product path exactly: retrieve() with these settings (candidates_per_leg, fusion). Any
    # k <= candidates_per_leg gives the same order; Recall@100 then counts fewer than 100 docs.
    record(
        "retrieve()_as_configured",
        lambda q: [(r.chunk_id, r.score) for r in retriever.retrieve(queries[q], n)],
        rows,
    )

    # Per-leg depth: chunks each leg hands to fusion (the product: candidates_per_leg, HNSW).
    depth_rows: dict[str, dict[str, float]] = {}
    for depth in DEPTHS:
        record(f"rrf_k60_depth{depth}", fused("rrf", 60, depth), depth_rows)
        record(f"weighted_w0.5_depth{depth}", fused("weighted", 0.5, depth), depth_rows)
    # Approximate vs exact dense search at the product's depth (Chroma hnsw:search_ef).
    ann_rows: dict[str, dict[str, float]] = {}
    record(f"rrf_k60_{n}/leg_hnsw", fused("rrf", 60, n, dense_n), ann_rows)
    record(f"weighted_w0.5_{n}/leg_hnsw", fused("weighted", 0.5, n, dense_n), ann_rows)
    hnsw_recall = None
    if exact:
        record(f"rrf_k60_{n}/leg_exact", fused("rrf", 60, n, exact), ann_rows)
        record(f"weighted_w0.5_{n}/leg_exact", fused("weighted", 0.5, n, exact), ann_rows)
        hnsw_recall = statistics.fmean(
            len({c for c, _ in dense_n[q]} & {c for c, _ in exact[q][:n]})
            / max(1, len(exact[q][:n]))
            for q in qrels
        )

    # Fusing documents instead of chunks (diagnostic: legs deduped to documents first).
    def doc_leg(ranked: Ranked) -> list[tuple[str, float]]:
        best: dict[str, float] = {}
        for cid, s in ranked:
            best.setdefault(doc_of(cid), s)
        return list(best.items())

    doc_rows: dict[str, dict[str, float]] = {}
    doc_rankings = {
        q: [d for d, _ in as_ranked(rrf(doc_leg(bm25[q]), doc_leg(dense[q]), 60))] for q in qrels
    }
    doc_rows["doc_level_rrf_k60"] = evaluate(doc_rankings, qrels)

    comparisons = {
        "rrf_k60 - bm25": ("rrf_k60", "bm25"),
        "rrf_k60 - dense": ("rrf_k60", "dense"),
        "weighted_w0.5 - bm25": ("weighted_w0.5", "bm25"),
        "weighted_w0.5 - rrf_k60": ("weighted_w0.5", "rrf_k60"),
        "bm25 - dense": ("bm25", "dense"),
        f"weighted_w0.5 - rrf_k60 ({n}/leg, as shipped)": (
            f"weighted_w0.5_{n}/leg_hnsw",
            f"rrf_k60_{n}/leg_hnsw",
        ),
    }
    if exact:
        comparisons[f"rrf_k60 {n}/leg: exact - hnsw dense"] = (
            f"rrf_k60_{n}/leg_exact",
            f"rrf_k60_{n}/leg_hnsw",
        )
    significance = {
        name: paired(per_query[a], per_query[b]) for name, (a, b) in comparisons.items()
    }
    overlap = statistics.fmean(
        len(set(dedupe_docs(bm25[q], doc_of)[:10]) & set(dedupe_docs(dense[q], doc_of)[:10])) / 10
        for q in qrels
    )
    for name, row in {**rows, **depth_rows, **ann_rows, **doc_rows}.items():
        log(f"  {name:30s} nDCG@10 {row['ndcg@10']:.4f}   Recall@100 {row['recall@100']:.4f}")
    for name, sig in significance.items():
        log(f"  paired nDCG@10 {name}: {sig}")
    log(f"  top-10 doc overlap bm25/dense: {overlap:.2f}")
    if hnsw_recall is not None:
        log(f"  Chroma HNSW recall of the exact top-{n} chunks: {hnsw_recall:.4f}")
    return {
        "queries": len(qrels),
        "leg_depth_chunks": LEG_DEPTH,
        "runs": rows,
        "depth_sweep": depth_rows,
        "ann": ann_rows,
        "hnsw_recall_at_candidates": round(hnsw_recall, 4) if hnsw_recall is not None else None,
        "doc_level": doc_rows,
        "significance": significance,
        "top10_overlap_bm25_dense": round(overlap, 3),
    }
