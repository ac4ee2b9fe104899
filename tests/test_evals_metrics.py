"""Eval arithmetic on tiny hand-made examples: ranking metrics, fact matching, NaN counting."""

import math
from pathlib import Path

import pytest

from evals.aggregate import by_category, flatten, summarise
from evals.answer_checks import cites_a_reference, contains_fact, fact_recall, violations
from evals.retrieval_metrics import ndcg_at_k, recall_at_k, reciprocal_rank

A, B, C = frozenset({"a"}), frozenset({"b"}), frozenset({"c"})


def test_recall_counts_reference_passages_in_the_top_k() -> None:
    ranked = ["x", "a", "y", "b"]
    assert recall_at_k(ranked, [A, B], 1) == 0.0
    assert recall_at_k(ranked, [A, B], 2) == 0.5
    assert recall_at_k(ranked, [A, B], 4) == 1.0
    assert recall_at_k([], [A], 5) == 0.0


def test_a_passage_split_over_chunks_is_found_once() -> None:
    either = frozenset({"a1", "a2"})
    assert recall_at_k(["a2", "a1"], [either], 1) == 1.0
    assert ndcg_at_k(["a2", "a1"], [either], 10) == 1.0  # the second copy adds no gain


def test_reciprocal_rank_is_one_over_the_first_hit() -> None:
    assert reciprocal_rank(["a", "b"], [A]) == 1.0
    assert reciprocal_rank(["x", "y", "b", "a"], [A, B]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], [A]) == 0.0


def test_ndcg_by_hand() -> None:
    # One relevant at rank 2: DCG = 1/log2(3); ideal = 1/log2(2) = 1.
    assert ndcg_at_k(["x", "a"], [A], 10) == pytest.approx(1 / math.log2(3))
    # Two relevant at ranks 1 and 3: (1 + 1/log2(4)) / (1 + 1/log2(3)).
    expected = (1 + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "x", "b"], [A, B], 10) == pytest.approx(expected)
    # Beyond k nothing counts; the ideal is capped at k too.
    assert ndcg_at_k(["x", "a"], [A], 1) == 0.0
    assert ndcg_at_k(["a", "b", "c"], [A, B, C], 2) == 1.0


def test_metrics_refuse_cases_without_references() -> None:
    with pytest.raises(ValueError):
        recall_at_k(["a"], [], 5)
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], [], 10)


@pytest.mark.parametrize(
    ("answer", "fact"),
    [
        ("It expires on August 14, 2027 [1].", "2027-08-14"),
        ("It expires on 14 August 2027.", "2027-08-14"),
        ("Expiry: Aug. 14th, 2027", "2027-08-14"),
        ("It expires 2027-08-14.", "August 14, 2027"),
        ("It handled 1240 incidents.", "1,240"),
        ("Cut by 31 percent.", "31%"),
        ("AWS Certified Solutions Architect – Associate", "Architect - Associate"),
        ("you got a b+ in it", "B+"),
    ],
)
def test_facts_match_across_formats(answer: str, fact: str) -> None:
    assert contains_fact(answer, fact)


@pytest.mark.parametrize(
    ("answer", "fact"),
    [
        ("Founded in 2011.", "11"),  # a number inside another number is not the number
        ("It expires on 2027-08-15.", "2027-08-14"),
        ("Eleven clusters.", "11"),  # spelled-out numbers are a known miss
    ],
)
def test_facts_that_are_not_there(answer: str, fact: str) -> None:
    assert not contains_fact(answer, fact)


def test_fact_recall_is_the_share_of_facts_present() -> None:
    assert fact_recall("Python and Go", ["Python", "Go", "SQL", "Bash"]) == 0.5


def test_forbidden_phrases_are_found_case_insensitively() -> None:
    assert violations("The capital is paris.", ["Paris", "Lyon"]) == ["Paris"]
    assert violations("I can't find that.", ["Paris"]) == []


def test_citations_match_a_reference_file_by_corpus_path() -> None:
    cited = [{"source": "/srv/corpus/projects/harbor-deck.md"}]
    assert cites_a_reference(cited, ["projects/harbor-deck.md"])
    assert not cites_a_reference(cited, ["resume.md"])
    assert not cites_a_reference([], ["resume.md"])


def test_nan_is_counted_not_averaged() -> None:
    runs = [
        {"c1": {"m": 1.0, "j": math.nan}, "c2": {"m": 0.0, "j": 0.5}},
        {"c1": {"m": 1.0, "j": 0.9}, "c2": {"m": 1.0, "j": math.nan}},
    ]
    s = summarise(runs, ["c1", "c2"])
    # c1: m = 1.0; c2: m = 0.5 -> 0.75. j: c1 = 0.9 (one NaN), c2 = 0.5 (one NaN) -> 0.7.
    assert s["m"].value == pytest.approx(0.75) and s["m"].nan == 0
    assert s["j"].value == pytest.approx(0.7)
    assert (s["j"].nan, s["j"].values, s["j"].cases) == (2, 2, 2)
    assert s["j"].nan_rate == 0.5
    assert s["m"].per_run == [0.5, 1.0] and s["m"].spread == pytest.approx(0.5)


def test_only_nan_aggregates_to_nan_and_missing_metrics_stay_missing() -> None:
    runs = [{"c1": {"j": math.nan, "m": 1.0}, "c2": {"m": 0.0}}]
    s = summarise(runs, ["c1", "c2"])
    assert math.isnan(s["j"].value) and s["j"].nan == 1 and s["j"].cases == 0
    assert s["m"].cases == 2  # c2 has no "j": not applicable, not NaN
    assert s["j"].to_dict()["value"] is None  # JSON has no NaN


def test_latency_percentiles_and_category_names() -> None:
    runs = [{f"c{i}": {"latency.seconds": float(i)} for i in range(1, 11)}]
    s = summarise(runs, [f"c{i}" for i in range(1, 11)])
    assert s["latency.seconds.p50"].value == pytest.approx(5.5)
    assert s["latency.seconds.p95"].value == pytest.approx(9.55)
    cats = by_category(runs, {"c1": "x", "c2": "y"})
    flat = flatten(s, cats)
    assert flat["latency.seconds[x]"].value == 1.0 and flat["latency.seconds[y]"].value == 2.0


def test_content_recall_counts_every_excerpt_even_in_one_chunk() -> None:
    from evals.retrieval_metrics import content_recall_at_k

    # Two excerpts held by chunk "a", one by "c": "a" alone in the top 2 finds two of three.
    excerpts = [A, A, C]
    assert content_recall_at_k(["a", "x", "c"], excerpts, 2) == pytest.approx(2 / 3)
    assert content_recall_at_k(["a", "x", "c"], excerpts, 3) == 1.0
    with pytest.raises(ValueError):
        content_recall_at_k(["a"], [], 5)


def test_per_category_takes_the_first_cases_of_each_category(tmp_path: Path) -> None:
    import json

    from evals.dataset import load_cases

    rows = [
        {"id": f"{cat}-{i}", "category": cat, "question": "q", "expected_outcome": "answered"}
        for cat in ("factual", "list")
        for i in range(3)
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    ids = [c.id for c in load_cases(path, per_category=2)]
    assert ids == ["factual-0", "factual-1", "list-0", "list-1"]
    assert [c.id for c in load_cases(path, limit=3, per_category=2)] == ids[:3]
