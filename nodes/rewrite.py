"""rewrite: turn a follow-up into a standalone search query using the session's history.

Time-boxed: if the LLM is slow or fails, the original question is searched as it is; a worse
query is better than no answer. The box is a deadline on the LLM call itself, so a reply still
being generated when it expires is stopped, not left running (see ``llm.chain``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.state import State
from llm.chain import ProviderChain
from nodes.history import recent_turns

log = logging.getLogger(__name__)


def make_rewrite(llm: ProviderChain) -> Callable[[State, Runtime[Context]], dict[str, Any]]:
    def rewrite(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        ctx = runtime.context
        question = state["question"]
        conversation = "\n".join(
            f"{'User' if m.type == 'human' else 'Assistant'}: {m.content}"
            for m in recent_turns(state, ctx.history_turns)
        )
        messages = [
            SystemMessage(ctx.rewrite_prompt),
            HumanMessage(f"Conversation:\n{conversation}\n\nLast question: {question}"),
        ]
        try:
            reply, _ = llm.invoke(messages, deadline=time.monotonic() + ctx.rewrite_timeout_s)
        except Exception as exc:  # time box spent or every provider failed: search as asked
            log.warning("rewrite skipped (%s): searching the original question", type(exc).__name__)
            return {"search_query": question}
        return {"search_query": standalone(str(reply.content), question)}

    return rewrite


def standalone(text: str, question: str) -> str:
    """The first non-empty line of the reply, unless it is clearly not a rewritten question."""
    lines = [line.strip().strip('"') for line in text.splitlines() if line.strip()]
    candidate = lines[0] if lines else ""
    for prefix in ("Standalone question:", "Rewritten question:", "Question:"):
        candidate = candidate.removeprefix(prefix).strip()
    if not candidate or len(candidate) > 4 * len(question) + 200:
        return question
    return candidate
