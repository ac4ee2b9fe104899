"""Wiring: six nodes and the routers between them.

START → guard ─blocked→ END
           ├─follow-up→ rewrite → hybrid-retrieve
           └─first turn→ hybrid-retrieve ─error→ fallback → END
                             └→ rerank ─nothing relevant→ END (no_answer, no LLM call)
                                   └→ generate ─LLM failed→ fallback
                                         └→ END
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from graph.context import Context
from graph.node_names import Node
from graph.services import Services
from graph.state import Answer, InputState, State
from nodes.fallback import fallback
from nodes.generate import make_generate
from nodes.guard import make_guard
from nodes.hybrid_retrieve import make_hybrid_retrieve
from nodes.rerank import make_rerank
from nodes.rewrite import make_rewrite

GRAPH_NAME = "personal-rag"

Graph = CompiledStateGraph[State, Context, InputState, Answer]


def route_after_guard(state: State) -> str:
    if state.get("outcome") == "blocked":
        return END
    return Node.REWRITE if state.get("messages") else Node.HYBRID_RETRIEVE


def route_after_retrieve(state: State) -> str:
    return Node.FALLBACK if state.get("error") else Node.RERANK


def route_after_rerank(state: State) -> str:
    return END if state.get("outcome") == "no_answer" else Node.GENERATE


def route_after_generate(state: State) -> str:
    return Node.FALLBACK if state.get("error") else END


def build_graph(services: Services) -> StateGraph[State, Context, InputState, Answer]:
    builder = StateGraph(
        State, context_schema=Context, input_schema=InputState, output_schema=Answer
    )
    builder.add_node(Node.GUARD, make_guard(services.guard))
    builder.add_node(Node.REWRITE, make_rewrite(services.llm))
    builder.add_node(Node.HYBRID_RETRIEVE, make_hybrid_retrieve(services.retriever))
    builder.add_node(Node.RERANK, make_rerank(services.retriever))
    builder.add_node(Node.GENERATE, make_generate(services.llm))
    builder.add_node(Node.FALLBACK, fallback)
    builder.add_edge(START, Node.GUARD)
    # The possible targets are listed so Studio draws every edge of each router.
    builder.add_conditional_edges(
        Node.GUARD, route_after_guard, [Node.REWRITE, Node.HYBRID_RETRIEVE, END]
    )
    builder.add_edge(Node.REWRITE, Node.HYBRID_RETRIEVE)
    builder.add_conditional_edges(
        Node.HYBRID_RETRIEVE, route_after_retrieve, [Node.RERANK, Node.FALLBACK]
    )
    builder.add_conditional_edges(Node.RERANK, route_after_rerank, [Node.GENERATE, END])
    builder.add_conditional_edges(Node.GENERATE, route_after_generate, [Node.FALLBACK, END])
    builder.add_edge(Node.FALLBACK, END)
    return builder


def compile_graph(
    services: Services,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
    interrupt_before: Sequence[Node] | None = None,
) -> Graph:
    """The graph as every caller runs it; without a checkpointer for ``langgraph dev``."""
    return build_graph(services).compile(
        checkpointer=checkpointer,
        interrupt_before=list(interrupt_before) if interrupt_before else None,
        name=GRAPH_NAME,
    )
