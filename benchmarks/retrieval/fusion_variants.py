"""Fusion variants next to the product's ``knowledge.fusion``: diagnostics for the sweeps."""

from __future__ import annotations

import numpy as np

from benchmarks.retrieval.ranking import Ranked
from knowledge.fusion import Fused


def _zscore(ranked: Ranked) -> dict[str, float]:
    if not ranked:
        return {}
    scores = np.array([s for _, s in ranked], dtype=float)
    sd = float(scores.std()) or 1.0
    mean = float(scores.mean())
    return {cid: (s - mean) / sd for cid, s in ranked}


def weighted_z(bm25: Ranked, dense: Ranked, dense_weight: float) -> list[tuple[str, float]]:
    """Diagnostic: z-score normalisation per leg; a missing chunk gets its leg's minimum."""
    zb, zd = _zscore(bm25), _zscore(dense)
    floor_b, floor_d = min(zb.values(), default=0.0), min(zd.values(), default=0.0)
    ids = list(dict.fromkeys([c for c, _ in bm25] + [c for c, _ in dense]))
    scored = [
        (c, dense_weight * zd.get(c, floor_d) + (1 - dense_weight) * zb.get(c, floor_b))
        for c in ids
    ]
    return sorted(scored, key=lambda x: x[1], reverse=True)


def as_ranked(fused: list[Fused]) -> list[tuple[str, float]]:
    return [(f.chunk_id, f.score) for f in fused]
