"""guard: screen the question before any retrieval or LLM call, and start the turn afresh."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context
from graph.services import Guard
from graph.state import State, empty_turn, refusal

log = logging.getLogger(__name__)


def make_guard(input_guard: Guard) -> Callable[[State, Runtime[Context]], dict[str, Any]]:
    def guard(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        question = state["question"].strip()
        # Per-turn fields start empty on every turn (the checkpointer keeps the last turn's).
        fresh = {**empty_turn(), "question": question, "search_query": question}
        verdict = input_guard.check(question)
        if verdict.blocked:
            # The attacker gets a polite refusal; which rule fired goes to logs and traces only.
            log.info("guard blocked input: %s (layer=%s)", verdict.reason, verdict.layer)
            blocked_by = f"{verdict.layer}:{verdict.category}"
            return {**fresh, **refusal("input_blocked"), "blocked_by": blocked_by}
        return fresh

    return guard
