"""The real service with the instant stub LLM (benchmarks): `python -m benchmarks.serve_stub`.

Everything is real (auth, limits, LangServe, graph, retrieval, sessions) except the LLM.
"""

from __future__ import annotations

import os

import uvicorn

from benchmarks.stub_llm import InstantChatModel
from core.settings import Settings
from graph.services import Services
from knowledge.retriever import HybridRetriever
from llm.chain import Provider, ProviderChain
from safety.guard import InputGuard
from server.app import create_app


def main() -> None:
    settings = Settings.from_env()
    services = Services(
        HybridRetriever(settings),
        InputGuard.from_settings(settings),
        ProviderChain([Provider("stub", InstantChatModel)]),
    )
    port = int(os.environ.get("BENCH_PORT", "8765"))
    uvicorn.run(create_app(settings, services), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
