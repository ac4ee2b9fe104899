"""The pure parts of rewrite (the standalone question) and rerank (the relevance floor)."""

import pytest

from graph.context import Context
from nodes.rerank import floor_for, is_relevant
from nodes.rewrite import standalone

QUESTION = "When does it expire?"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("When does my CKA certificate expire?", "When does my CKA certificate expire?"),
        ('"When does my CKA certificate expire?"', "When does my CKA certificate expire?"),
        ("Standalone question: When does the CKA expire?", "When does the CKA expire?"),
        (
            "\n\nRewritten question: When does the CKA expire?\nBecause...",
            "When does the CKA expire?",
        ),
        ("", QUESTION),  # nothing usable: search the question as asked
        ("   \n  ", QUESTION),
        ("x" * 500, QUESTION),  # an essay, not a rewritten question
    ],
)
def test_standalone_takes_the_first_line_unless_it_is_not_a_question(
    reply: str, expected: str
) -> None:
    assert standalone(reply, QUESTION) == expected


def test_questions_about_the_user_get_the_lower_floor() -> None:
    ctx = Context(relevance_floor=0.3, personal_relevance_floor=0.1)
    assert floor_for("Do I have a PhD?", ctx) == 0.1
    assert floor_for("What's MY grade in Operating Systems?", ctx) == 0.1
    assert floor_for("What is the capital of France?", ctx) == 0.3
    assert floor_for("Explain mitochondria", ctx) == 0.3  # 'i' inside a word is not "I"


def test_a_passage_is_relevant_from_its_dense_score_at_or_above_the_floor() -> None:
    assert is_relevant({"dense_score": 0.25}, 0.25)
    assert not is_relevant({"dense_score": 0.2499}, 0.25)
    assert not is_relevant({"dense_score": None}, 0.1)  # only BM25 found it: no dense evidence
    assert not is_relevant({}, 0.1)
