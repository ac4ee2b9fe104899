"""The graph LangGraph Studio loads (``langgraph.json``).

``langgraph dev`` brings its own checkpointer and refuses a custom one, so Studio gets the graph
compiled without one; the service and the CLI compile the same builder with the session store.
"""

from __future__ import annotations

from core.settings import Settings
from graph.builder import compile_graph
from graph.services import Services

graph = compile_graph(Services.from_settings(Settings.from_env()))
