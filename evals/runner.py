"""Running one eval case through the compiled answer graph and capturing what scoring needs.

Full mode asks the history turns first in the same session, then the question, streaming so the
time to the first answer token is measured. Retrieval-only mode stops the graph before ``generate``
(``interrupt_before``), so guard, retrieval, rerank and the relevance floor run exactly as in
production but no LLM is called; a follow-up is searched together with its earlier turns, a
deterministic stand-in for the LLM rewrite it would otherwise get.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from evals.dataset import EvalCase
from evals.recording import RecordingRetriever
from graph.answerer import Answerer, session_config
from graph.node_names import Node

# What a run that reached ``generate`` in retrieval-only mode counts as: the graph would answer.
WOULD_ANSWER = "answered"


@dataclass
class CaseRun:
    case_id: str
    outcome: str
    answer: str
    reason: str
    reply: str  # the LLM's own words before the answer check ("" when it was not asked)
    citations: list[dict[str, Any]]
    search_query: str
    passages: list[dict[str, Any]]  # the reranked passages given to the LLM, best first
    ranking: list[str]  # chunk ids of the whole reranked candidate list
    seconds: float  # the question's turn only
    ttft: float | None  # to the first answer token; None when no token was generated
    session_seconds: float  # including the history turns

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "answer": self.answer,
            "reason": self.reason,
            "reply": self.reply,
            "citations": self.citations,
            "search_query": self.search_query,
            "passages": [
                {"chunk_id": p["chunk_id"], "source": p["source"], "heading": p["heading"]}
                for p in self.passages
            ],
            "seconds": round(self.seconds, 3),
            "ttft": None if self.ttft is None else round(self.ttft, 3),
            "session_seconds": round(self.session_seconds, 3),
        }


async def _ask_streaming(
    answerer: Answerer, question: str, session_id: str
) -> tuple[dict[str, Any], float | None]:
    """The final output and the time to the first answer token (None when none was streamed)."""
    started = time.perf_counter()
    first_token: float | None = None
    final: dict[str, Any] = {}
    async for event in answerer.stream(question, session_id):
        if isinstance(event, dict):
            final = dict(event)
        elif isinstance(event, str) and first_token is None:
            first_token = time.perf_counter() - started
    return final, first_token


async def run_full(
    answerer: Answerer, recorder: RecordingRetriever, case: EvalCase, session_id: str
) -> CaseRun:
    session_started = time.perf_counter()
    for turn in case.history:
        await answerer.ask(turn, session_id)
    recorder.reset()
    started = time.perf_counter()
    final, first_token = await _ask_streaming(answerer, case.question, session_id)
    seconds = time.perf_counter() - started
    state = await answerer.state(session_id)
    return CaseRun(
        case_id=case.id,
        outcome=str(final.get("outcome") or ""),
        answer=str(final.get("answer") or ""),
        reason=str(final.get("reason") or ""),
        reply=str(state.get("reply") or ""),
        citations=list(final.get("citations") or []),
        search_query=str(state.get("search_query") or ""),
        passages=list(state.get("documents") or []),
        ranking=list(recorder.last_ranking),
        seconds=seconds,
        ttft=first_token,
        session_seconds=time.perf_counter() - session_started,
    )


async def run_retrieval_only(
    answerer: Answerer, recorder: RecordingRetriever, case: EvalCase, session_id: str
) -> CaseRun:
    question = " ".join((*case.history, case.question))
    recorder.reset()
    started = time.perf_counter()
    await answerer.ask(question, session_id)  # stops before generate (interrupt_before)
    seconds = time.perf_counter() - started
    snapshot = await answerer.graph.aget_state(session_config(session_id))
    state = dict(snapshot.values)
    reached_llm = Node.GENERATE in snapshot.next
    return CaseRun(
        case_id=case.id,
        outcome=WOULD_ANSWER if reached_llm else str(state.get("outcome") or ""),
        answer="" if reached_llm else str(state.get("answer") or ""),
        reason=str(state.get("reason") or ""),
        reply="",
        citations=[],
        search_query=str(state.get("search_query") or ""),
        passages=list(state.get("documents") or []),
        ranking=list(recorder.last_ranking),
        seconds=seconds,
        ttft=None,
        session_seconds=seconds,
    )
