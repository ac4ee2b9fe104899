"""Fusing the keyword and dense legs: reciprocal-rank fusion or weighted normalised scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Ranked = Sequence[tuple[str, float]]  # (chunk_id, leg score), best first


@dataclass
class Fused:
    chunk_id: str
    score: float
    bm25_rank: int | None = None
    bm25_score: float | None = None
    dense_rank: int | None = None
    dense_score: float | None = None


def _legs(bm25: Ranked, dense: Ranked) -> dict[str, Fused]:
    fused: dict[str, Fused] = {}
    for rank, (cid, score) in enumerate(bm25, start=1):
        fused.setdefault(cid, Fused(cid, 0.0)).__dict__.update(bm25_rank=rank, bm25_score=score)
    for rank, (cid, score) in enumerate(dense, start=1):
        fused.setdefault(cid, Fused(cid, 0.0)).__dict__.update(dense_rank=rank, dense_score=score)
    return fused


def rrf(bm25: Ranked, dense: Ranked, k: int = 60) -> list[Fused]:
    """score = sum over legs of 1 / (k + rank); a leg that missed a chunk contributes nothing."""
    fused = _legs(bm25, dense)
    for item in fused.values():
        item.score = sum(1.0 / (k + r) for r in (item.bm25_rank, item.dense_rank) if r is not None)
    return sorted(fused.values(), key=lambda f: f.score, reverse=True)


def _min_max(ranked: Ranked) -> dict[str, float]:
    if not ranked:
        return {}
    scores = [s for _, s in ranked]
    low, high = min(scores), max(scores)
    span = high - low
    return {cid: (s - low) / span if span > 0 else 1.0 for cid, s in ranked}


def weighted(bm25: Ranked, dense: Ranked, dense_weight: float = 0.5) -> list[Fused]:
    """score = w * minmax(dense) + (1 - w) * minmax(bm25), each leg normalised over its own list."""
    fused = _legs(bm25, dense)
    norm_bm25, norm_dense = _min_max(bm25), _min_max(dense)
    for cid, item in fused.items():
        item.score = dense_weight * norm_dense.get(cid, 0.0) + (1 - dense_weight) * norm_bm25.get(
            cid, 0.0
        )
    return sorted(fused.values(), key=lambda f: f.score, reverse=True)


def boosted(ranked: Ranked, extra: Ranked, weight: float, k: int) -> list[tuple[str, float]]:
    """One leg's scores plus ``weight`` times another query's scores on the same leg (the top
    ``k``): words added to a question help a chunk without outweighing the question's own."""
    scores = dict(ranked)
    for cid, score in extra:
        scores[cid] = scores.get(cid, 0.0) + weight * score
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)[:k]
