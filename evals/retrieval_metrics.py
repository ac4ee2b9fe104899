"""Ranking metrics over one ranked list of chunk ids and the reference passages.

A reference passage is a *group* of chunk ids (see ``references.py``); a group counts as found at
the first rank holding any of its chunks, and is found only once, so duplicates never add gain.
Binary relevance throughout: the eval set says which passage answers, not how well.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def first_hits(ranked: Sequence[str], groups: Sequence[frozenset[str]]) -> list[int]:
    """1-based ranks at which a not-yet-found group is found, in rank order."""
    found: set[int] = set()
    ranks: list[int] = []
    for rank, chunk_id in enumerate(ranked, start=1):
        for index, group in enumerate(groups):
            if index not in found and chunk_id in group:
                found.add(index)
                ranks.append(rank)
                break
    return ranks


def recall_at_k(ranked: Sequence[str], groups: Sequence[frozenset[str]], k: int) -> float:
    """Share of reference passages in the top ``k``."""
    if not groups:
        raise ValueError("recall needs at least one reference passage")
    return sum(1 for rank in first_hits(ranked, groups) if rank <= k) / len(groups)


def reciprocal_rank(ranked: Sequence[str], groups: Sequence[frozenset[str]]) -> float:
    """1 / rank of the first reference passage; 0 when none was retrieved."""
    hits = first_hits(ranked, groups)
    return 1.0 / hits[0] if hits else 0.0


def ndcg_at_k(ranked: Sequence[str], groups: Sequence[frozenset[str]], k: int) -> float:
    """Binary-gain nDCG: DCG of the found passages over the DCG of all of them ranked first."""
    if not groups:
        raise ValueError("nDCG needs at least one reference passage")
    dcg = sum(1.0 / math.log2(rank + 1) for rank in first_hits(ranked, groups) if rank <= k)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(groups), k) + 1))
    return dcg / ideal


def content_recall_at_k(ranked: Sequence[str], excerpts: Sequence[frozenset[str]], k: int) -> float:
    """Share of reference excerpts held by any of the top ``k`` chunks. Unlike ``recall_at_k``
    one chunk may hold several excerpts (a table with three asked-for rows counts three)."""
    if not excerpts:
        raise ValueError("content recall needs at least one reference excerpt")
    top = set(ranked[:k])
    return sum(1 for group in excerpts if group & top) / len(excerpts)
