import pytest

from knowledge.fusion import rrf, weighted


def test_rrf_sums_reciprocal_ranks_and_keeps_each_leg() -> None:
    bm25 = [("a", 12.0), ("b", 7.0)]
    dense = [("b", 0.9), ("c", 0.8)]
    fused = rrf(bm25, dense, k=60)
    by_id = {f.chunk_id: f for f in fused}
    assert by_id["b"].score == pytest.approx(1 / 62 + 1 / 61)
    assert by_id["a"].score == pytest.approx(1 / 61)
    assert by_id["c"].score == pytest.approx(1 / 62)
    assert [f.chunk_id for f in fused] == ["b", "a", "c"]
    assert (by_id["b"].bm25_rank, by_id["b"].bm25_score) == (2, 7.0)
    assert (by_id["b"].dense_rank, by_id["b"].dense_score) == (1, 0.9)
    assert by_id["a"].dense_rank is None and by_id["c"].bm25_rank is None


def test_weighted_normalises_each_leg_then_mixes() -> None:
    bm25 = [("a", 10.0), ("b", 5.0), ("c", 0.0)]
    dense = [("c", 0.9), ("a", 0.5), ("b", 0.1)]
    fused = {f.chunk_id: f.score for f in weighted(bm25, dense, dense_weight=0.25)}
    assert fused["a"] == pytest.approx(0.25 * 0.5 + 0.75 * 1.0)
    assert fused["b"] == pytest.approx(0.25 * 0.0 + 0.75 * 0.5)
    assert fused["c"] == pytest.approx(0.25 * 1.0 + 0.75 * 0.0)


def test_weighted_with_a_single_result_per_leg_does_not_divide_by_zero() -> None:
    fused = weighted([("a", 3.0)], [], dense_weight=0.5)
    assert [(f.chunk_id, f.score) for f in fused] == [("a", 0.5)]


def test_empty_legs_fuse_to_nothing() -> None:
    assert rrf([], []) == [] and weighted([], []) == []
