"""Ragas' model-free metrics: context recall/precision against the references, answer similarity.

Reference passages are whole chunk texts (resolved from "source + excerpt"), so the ID-based
metrics are exact and the string-based average precision compares like with like (an excerpt would
never reach its Levenshtein threshold against a 180-word chunk). Classes come from their defining
modules: the ``ragas.metrics`` re-exports are deprecated in 0.4 in favour of
``ragas.metrics.collections``, which has no ID-based or non-LLM context metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ragas.dataset_schema import SingleTurnSample
from ragas.metrics._context_precision import (
    IDBasedContextPrecision,
    NonLLMContextPrecisionWithReference,
)
from ragas.metrics._context_recall import IDBasedContextRecall
from ragas.metrics._rouge_score import RougeScore
from ragas.metrics._string import NonLLMStringSimilarity

from evals.answer_checks import strip_citations
from evals.references import ResolvedReferences


class RagasScorer:
    def __init__(self) -> None:
        self.context_recall = IDBasedContextRecall()
        self.context_precision = IDBasedContextPrecision()
        self.context_avg_precision = NonLLMContextPrecisionWithReference()
        self.similarity = NonLLMStringSimilarity()
        self.rouge = RougeScore(rouge_type="rougeL", mode="fmeasure")

    async def contexts(
        self, passages: Sequence[dict[str, Any]], refs: ResolvedReferences
    ) -> dict[str, float]:
        """Over the passages given to the LLM; nothing given means nothing relevant was."""
        if not passages:
            return {"context.recall": 0.0, "context.precision": 0.0, "context.avg_precision": 0.0}
        by_ids = SingleTurnSample(
            retrieved_context_ids=[str(p["chunk_id"]) for p in passages],
            reference_context_ids=sorted(refs.ids),
        )
        by_text = SingleTurnSample(
            retrieved_contexts=[str(p["text"]) for p in passages],
            reference_contexts=list(refs.texts),
        )
        return {
            "context.recall": _float(await self.context_recall.single_turn_ascore(by_ids)),
            "context.precision": _float(await self.context_precision.single_turn_ascore(by_ids)),
            "context.avg_precision": _float(
                await self.context_avg_precision.single_turn_ascore(by_text)
            ),
        }

    async def answer(self, answer: str, reference: str) -> dict[str, float]:
        sample = SingleTurnSample(response=strip_citations(answer), reference=reference)
        return {
            "answer.similarity": _float(await self.similarity.single_turn_ascore(sample)),
            "answer.rouge_l": _float(await self.rouge.single_turn_ascore(sample)),
        }


def _float(value: Any) -> float:
    """Ragas returns numpy floats, NaN for "could not score"; NaN is kept and counted later."""
    return float(value)
