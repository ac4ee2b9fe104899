"""The answer graph's state: a narrow input, a narrow output, and what the nodes pass along.

Reducers: ``messages`` (the conversation, kept by the checkpointer across turns) appends through
``add_messages``; every other field is per-turn and replaced by the node that writes it. The guard,
first on every turn, resets the per-turn fields, so nothing leaks from one turn into the next.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

Outcome = Literal["answered", "no_answer", "blocked", "fallback"]


class Citation(TypedDict):
    index: int  # the [n] used in the answer
    chunk_id: str
    source: str
    heading: str
    page: int | None


class InputState(TypedDict):
    question: str


class OutputState(TypedDict, total=False):
    answer: str
    citations: list[Citation]
    outcome: Outcome
    reason: str


class State(InputState, OutputState, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    search_query: str  # the standalone question after rewrite
    documents: list[dict[str, Any]]  # RetrievedChunk.to_dict(), best first
    error: str  # set by a failing step; routes to fallback
    provider: str  # which LLM produced the answer
