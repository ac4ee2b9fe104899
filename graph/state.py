"""The answer graph's state: a narrow input, the one output shape, and what the nodes pass along.

Reducers: ``messages`` (the conversation, kept by the checkpointer across turns) appends through
``add_messages``; every field of ``TurnState`` belongs to one turn and is replaced by the node that
writes it. The guard, first on every turn, resets all of them from their types (``empty_turn``),
so a field added to ``TurnState`` can never leak from one turn into the next.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic (LangServe's schemas) needs it on 3.11

from prompts.replies import REFUSAL

Outcome = Literal["answered", "no_answer", "blocked", "fallback"]


class Citation(TypedDict):
    index: int  # the [n] used in the answer
    chunk_id: str
    source: str
    heading: str
    page: int | None


@with_config(ConfigDict(extra="forbid"))  # HTTP clients get a 4xx for unknown input fields
class InputState(TypedDict):
    question: str


class Answer(TypedDict):
    """What every caller gets back (HTTP, CLI, evals): never internal state, context or prompts."""

    answer: str
    citations: list[Citation]
    outcome: Outcome
    reason: str


class TurnState(TypedDict, total=False):
    question: str
    search_query: str  # the standalone question after rewrite
    documents: list[dict[str, Any]]  # RetrievedChunk.to_dict(), best first
    error: str  # set by a failing step; routes to fallback
    provider: str  # which LLM produced the answer
    reply: str  # what the LLM wrote, before the answer check (evals and Studio, never callers)
    answer: str
    citations: list[Citation]
    outcome: Outcome | None  # None until a node decides
    reason: str
    blocked_by: str  # "layer:category" of an input-guard block (logs and metrics only)


class State(TurnState, total=False):
    messages: Annotated[list[AnyMessage], add_messages]


def empty_turn() -> dict[str, Any]:
    """Every per-turn field at its empty value, derived from ``TurnState``'s annotations."""
    return {name: _empty(hint) for name, hint in get_type_hints(TurnState).items()}


def _empty(hint: Any) -> Any:
    if get_origin(hint) is list:
        return []
    if hint is str:
        return ""
    if type(None) in get_args(hint):
        return None
    raise TypeError(f"a per-turn field needs a type with an empty value, not {hint}")


def to_answer(values: dict[str, Any]) -> Answer:
    """The output shape from a final state, whatever else the state holds."""
    return Answer(
        answer=values.get("answer") or "",
        citations=list(values.get("citations") or []),
        outcome=values.get("outcome") or "fallback",
        reason=values.get("reason") or "",
    )


def refusal(reason: str) -> Answer:
    """A refused turn (``reason`` says which check refused it; logs and metrics only)."""
    return Answer(answer=REFUSAL, citations=[], outcome="blocked", reason=reason)
