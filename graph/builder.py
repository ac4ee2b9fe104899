"""Wiring: six nodes and the routers between them.

START → guard ─blocked→ END
           ├─follow-up→ rewrite → hybrid-retrieve
           └─first turn→ hybrid-retrieve ─error→ fallback → END
                             └→ rerank ─nothing relevant→ END (no_answer, no LLM call)
                                   └→ generate ─LLM failed→ fallback
                                         └→ END
"""

from __future__ import annotations

from typing import Literal

from langgraph.graph import END, START, StateGraph

from graph.context import Context
from graph.services import Services
from graph.state import InputState, OutputState, State
from nodes.fallback import fallback
from nodes.generate import make_generate
from nodes.guard import make_guard
from nodes.hybrid_retrieve import make_hybrid_retrieve
from nodes.rerank import make_rerank
from nodes.rewrite import make_rewrite


def route_after_guard(state: State) -> Literal["rewrite", "hybrid-retrieve", "__end__"]:
    if state.get("outcome") == "blocked":
        return END  # type: ignore[return-value]  # END is the str "__end__"
    return "rewrite" if state.get("messages") else "hybrid-retrieve"


def route_after_retrieve(state: State) -> Literal["rerank", "fallback"]:
    return "fallback" if state.get("error") else "rerank"


def route_after_rerank(state: State) -> Literal["generate", "__end__"]:
    return END if state.get("outcome") == "no_answer" else "generate"  # type: ignore[return-value]


def route_after_generate(state: State) -> Literal["fallback", "__end__"]:
    return "fallback" if state.get("error") else END  # type: ignore[return-value]


def build_graph(services: Services) -> StateGraph[State, Context, InputState, OutputState]:
    builder = StateGraph(
        State, context_schema=Context, input_schema=InputState, output_schema=OutputState
    )
    builder.add_node("guard", make_guard(services.guard))
    builder.add_node("rewrite", make_rewrite(services.llm))
    builder.add_node("hybrid-retrieve", make_hybrid_retrieve(services.retriever))
    builder.add_node("rerank", make_rerank(services.retriever))
    builder.add_node("generate", make_generate(services.llm))
    builder.add_node("fallback", fallback)
    builder.add_edge(START, "guard")
    builder.add_conditional_edges("guard", route_after_guard)
    builder.add_edge("rewrite", "hybrid-retrieve")
    builder.add_conditional_edges("hybrid-retrieve", route_after_retrieve)
    builder.add_conditional_edges("rerank", route_after_rerank)
    builder.add_conditional_edges("generate", route_after_generate)
    builder.add_edge("fallback", END)
    return builder
