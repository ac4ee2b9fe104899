"""The conversation as the LLM sees it: the last few question/answer turns."""

from __future__ import annotations

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage

from graph.state import State


def recent_turns(state: State, turns: int) -> list[AnyMessage]:
    messages: list[AnyMessage] = [
        m for m in state.get("messages", []) if isinstance(m, HumanMessage | AIMessage)
    ]
    return messages[-2 * turns :] if turns > 0 else []


def record_turn(state: State, answer: str) -> list[AnyMessage]:
    """Messages that append this turn to the session history."""
    return [HumanMessage(state["question"]), AIMessage(answer)]
