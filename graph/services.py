"""The long-lived things the nodes use, built once per process and handed to the builder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from langchain_core.embeddings import Embeddings

from core.settings import Settings
from knowledge.rerank import Reranker
from knowledge.retriever import HybridRetriever, RetrievedChunk
from knowledge.snapshot import Snapshot
from llm.chain import ProviderChain
from llm.providers import build_chain
from safety.guard import InputGuard
from safety.verdict import Verdict


class Retriever(Protocol):
    """What the nodes (retrieve, rerank) and the service (search, ingest, health) use."""

    @property
    def corpus(self) -> Snapshot: ...

    @property
    def embeddings(self) -> Embeddings: ...

    @property
    def reranker(self) -> Reranker: ...

    def retrieve(self, query: str, k: int) -> list[RetrievedChunk]: ...

    def rerank(self, query: str, results: list[RetrievedChunk]) -> list[RetrievedChunk]: ...

    def search(self, query: str, k: int = 5, rerank: bool = True) -> list[RetrievedChunk]: ...


class Guard(Protocol):
    def check(self, text: str) -> Verdict: ...


@dataclass
class Services:
    retriever: Retriever
    guard: Guard
    llm: ProviderChain

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(
            retriever=HybridRetriever(settings),
            guard=InputGuard.from_settings(settings),
            llm=build_chain(settings),
        )
