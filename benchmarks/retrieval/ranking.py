"""Ranking metrics at document level, pure functions over rankings and qrels.

A ranking is a list of document ids, best first; qrels map a query id to its relevant documents
and their graded relevance (as BEIR's ``qrels/*.tsv``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Ranked = Sequence[tuple[str, float]]
Qrels = dict[str, dict[str, int]]  # query id -> document id -> relevance


def dedupe_docs(ranked: Ranked, doc_of: Callable[[str], str]) -> list[str]:
    """Chunk ranking (best first) -> document ranking: a document takes its best chunk's place."""
    seen: dict[str, None] = {}
    for chunk_id, _ in ranked:
        seen.setdefault(doc_of(chunk_id), None)
    return list(seen)


def ndcg_at(docs: list[str], rels: dict[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains (as pytrec_eval/BEIR)."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(docs[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(docs: list[str], rels: dict[str, int], k: int = 100) -> float:
    relevant = {d for d, g in rels.items() if g > 0}
    return len(relevant.intersection(docs[:k])) / len(relevant) if relevant else 0.0


def evaluate(rankings: dict[str, list[str]], qrels: Qrels) -> dict[str, float]:
    ndcg = [ndcg_at(rankings[q], qrels[q], 10) for q in qrels]
    recall = [recall_at(rankings[q], qrels[q], 100) for q in qrels]
    return {"ndcg@10": statistics.fmean(ndcg), "recall@100": statistics.fmean(recall)}


def paired(a: dict[str, float], b: dict[str, float], rounds: int = 10_000) -> dict[str, Any]:
    """Mean per-query difference a-b, 95% bootstrap CI, two-sided sign-flip randomisation p."""
    diffs = np.array([a[q] - b[q] for q in a], dtype=float)
    rng = np.random.default_rng(0)
    boot = diffs[rng.integers(0, len(diffs), (rounds, len(diffs)))].mean(axis=1)
    null = (rng.choice((-1.0, 1.0), (rounds, len(diffs))) * diffs).mean(axis=1)
    eps = 1e-9
    return {
        "mean_diff": round(float(diffs.mean()), 4),
        "ci95": [
            round(float(np.percentile(boot, 2.5)), 4),
            round(float(np.percentile(boot, 97.5)), 4),
        ],
        "p": round(float((np.abs(null) >= abs(diffs.mean()) - 1e-12).mean()), 4),
        "wins": int((diffs > eps).sum()),
        "ties": int((np.abs(diffs) <= eps).sum()),
        "losses": int((diffs < -eps).sum()),
    }
