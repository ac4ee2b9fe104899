"""One case, one run -> its metric values.

A metric is left out of a case it does not apply to (no reference passage, no expected fact, not
answered...) so "not applicable" never drags an average; a metric that applies but could not be
computed is NaN, which the aggregation counts instead of averaging.
"""

from __future__ import annotations

from typing import Literal

from evals.answer_checks import cites_a_reference, fact_recall, invented_facts, violations
from evals.dataset import EvalCase
from evals.judge import Judge
from evals.ragas_metrics import RagasScorer
from evals.references import ResolvedReferences
from evals.retrieval_metrics import content_recall_at_k, ndcg_at_k, recall_at_k, reciprocal_rank
from evals.runner import CaseRun

Mode = Literal["full", "retrieval_only"]
Scores = dict[str, float]

RECALL_KS = (5, 10)
NDCG_K = 10


def retrieval_scores(ranking: list[str], refs: ResolvedReferences) -> Scores:
    groups = refs.groups
    scores = {f"retrieval.recall@{k}": recall_at_k(ranking, groups, k) for k in RECALL_KS}
    scores["retrieval.content_recall@5"] = content_recall_at_k(ranking, refs.excerpts, 5)
    scores["retrieval.mrr"] = reciprocal_rank(ranking, groups)
    scores[f"retrieval.ndcg@{NDCG_K}"] = ndcg_at_k(ranking, groups, NDCG_K)
    return scores


def answer_checks(case: EvalCase, run: CaseRun, refs: ResolvedReferences) -> Scores:
    scores: Scores = {}
    if case.expected_facts:
        scores["answer.fact_recall"] = fact_recall(run.answer, case.expected_facts)
    if case.must_not_contain:
        scores["answer.violation_rate"] = float(bool(violations(run.answer, case.must_not_contain)))
    if refs.groups and run.outcome == "answered":
        scores["citation.accuracy"] = float(cites_a_reference(run.citations, refs.sources))
    if run.outcome == "answered":
        shown = [str(p["text"]) for p in run.passages]
        scores["answer.invented_facts"] = float(
            len(invented_facts(run.answer, shown, case.question))
        )
    return scores


async def score_run(
    case: EvalCase,
    refs: ResolvedReferences,
    run: CaseRun,
    mode: Mode,
    ragas: RagasScorer,
    judge: Judge | None = None,
) -> Scores:
    scores: Scores = {
        "outcome.accuracy": float(run.outcome == case.expected_outcome),
        "latency.seconds": run.seconds,
    }
    if refs.groups:
        scores |= retrieval_scores(run.ranking, refs)
        scores |= await ragas.contexts(run.passages, refs)
    if mode == "retrieval_only":
        return scores
    if run.ttft is not None:
        scores["latency.ttft"] = run.ttft
    scores |= answer_checks(case, run, refs)
    if case.expected_outcome == "answered" and case.reference_answer:
        scores |= await ragas.answer(run.answer, case.reference_answer)
    if judge is not None and run.outcome == "answered" and run.passages:
        contexts = [str(p["text"]) for p in run.passages]
        # A follow-up ("When does it expire?") means nothing to the judge on its own; the
        # standalone question the rewrite node searched for is what was answered.
        question = run.search_query if case.history else case.question
        scores |= await judge.score(question, run.answer, contexts, case.reference_answer)
    return scores
