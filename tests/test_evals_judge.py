"""The LLM-judged metrics' plumbing with the queued fake as judge: Ragas prompts go through our
provider chain, parsed scores come back, and a judge that fails scores NaN (counted, not 0)."""

import asyncio
import math

import pytest

from core.settings import Settings
from evals.judge import Judge, judge_spec
from knowledge.embeddings import load_embeddings
from llm.chain import Provider, ProviderChain
from tests.fakes import queued

QUESTION = "When does my CKA expire?"
CONTEXTS = ["certificates: CKA, expires: 2027-08-14", "CKA renewal is due before expiry."]


def judge_with(*replies: str) -> Judge:
    model = queued(*replies)
    chain = ProviderChain([Provider("fake", lambda: model, serialize=True)])
    return Judge("fake", chain, load_embeddings(Settings().embeddings))


def test_judged_metrics_parse_the_judges_verdicts() -> None:
    judge = judge_with(
        '{"statements": ["The CKA expires on 2027-08-14."]}',
        '{"statements": [{"statement": "The CKA expires on 2027-08-14.", '
        '"reason": "stated in the context", "verdict": 1}]}',
        '{"question": "When does my CKA expire?", "noncommittal": 0}',
        # Context precision asks once per passage, concurrently: same verdict, any order.
        '{"reason": "gives the date", "verdict": 1}',
        '{"reason": "about the CKA", "verdict": 1}',
    )
    answer = "It expires on 2027-08-14 [1]."
    scores = asyncio.run(judge.score(QUESTION, answer, CONTEXTS, "On 2027-08-14."))
    assert scores["judge.faithfulness"] == 1.0
    assert scores["judge.answer_relevancy"] == pytest.approx(1.0, abs=1e-3)  # same question back
    assert scores["judge.context_precision"] == pytest.approx(1.0)


def test_a_failing_judge_scores_nan_not_zero() -> None:
    scores = asyncio.run(judge_with().score(QUESTION, "It expires soon.", CONTEXTS, ""))
    assert set(scores) == {"judge.faithfulness", "judge.answer_relevancy"}  # no reference
    assert all(math.isnan(v) for v in scores.values())


def test_the_judge_is_opt_in() -> None:
    assert judge_spec({}) is None and judge_spec({"RAG_EVAL_JUDGE": " "}) is None
    assert judge_spec({"RAG_EVAL_JUDGE": "local/qwen2.5-1.5b"}) == "local/qwen2.5-1.5b"
