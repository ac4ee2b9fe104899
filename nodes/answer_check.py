"""What the model wrote -> what the user gets: checked in code, whatever the prompt asked for.

1. A "not in your documents" reply, however phrased, becomes the fixed ``NOT_FOUND`` with outcome
   ``no_answer``; except for a yes/no question answered from what the documents do list ("No. They
   list an MSc [1]"), which is an answer.
2. Sentences stating a number, date or name that no passage shown holds are removed
   (``grounding``); nothing left means no answer. Nor is a reply that lacks what the question
   asked for: no date for "when", no number for "how many" (a nearby passage quoted instead).
3. Citations must point at a shown passage; an uncited answer is attributed to the passages holding
   its facts, and an answer with no valid citation at all is never returned as ``answered``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from graph.state import Citation, Outcome
from knowledge.query_intent import expected_answer, is_polar_question
from nodes.citations import attribute, resolve_citations
from nodes.grounding import has_content, keep_grounded, states
from prompts.replies import NOT_FOUND, says_not_found

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    answer: str
    citations: list[Citation]
    outcome: Outcome
    reason: str


def _no_answer(reason: str) -> Checked:
    return Checked(NOT_FOUND, [], "no_answer", reason)


def _cited(text: str, passages: list[dict[str, Any]]) -> bool:
    return bool(resolve_citations(text, passages)[1])


def check_answer(raw: str, passages: list[dict[str, Any]], question: str) -> Checked:
    """``question`` is the standalone one (after rewrite): what was answered."""
    text = raw.strip()
    if not text:
        return _no_answer("not_in_documents")
    if says_not_found(text) and not (is_polar_question(question) and _cited(text, passages)):
        return _no_answer("not_in_documents")
    grounded, invented = keep_grounded(text, [str(p["text"]) for p in passages], question)
    if invented:
        log.info("removed unsupported facts from the answer: %s", invented)
    if not has_content(grounded) or (says_not_found(grounded) and not is_polar_question(question)):
        return _no_answer("unsupported_answer" if invented else "not_in_documents")
    wanted = expected_answer(question)
    if wanted and not states(wanted, grounded):
        return _no_answer(f"no_{wanted}_given")
    answer, citations = resolve_citations(grounded, passages)
    if not citations:
        answer, citations = attribute(answer, passages)
    if not citations:
        return _no_answer("no_citation")
    return Checked(answer, citations, "answered", "")
