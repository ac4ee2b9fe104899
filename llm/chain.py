"""A chain of chat-model providers, each behind its own circuit breaker.

The first provider whose breaker allows a call and that answers wins; failures (errors, timeouts,
rate limits) are recorded against that provider and the next one is tried. When every provider has
failed or is open, ``AllProvidersFailedError`` lets the graph route to its extractive fallback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage

from llm.breaker import BreakerState, CircuitBreaker


class AllProvidersFailedError(RuntimeError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors) or "no LLM provider configured")
        self.errors = errors


@dataclass
class Provider:
    name: str
    make_model: Callable[[], BaseChatModel]
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    # llama.cpp contexts are not thread-safe: one generation at a time per local model.
    serialize: bool = False
    _model: BaseChatModel | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def model(self) -> BaseChatModel:
        if self._model is None:
            self._model = self.make_model()
        return self._model

    def invoke(self, messages: Sequence[BaseMessage]) -> AIMessage:
        with self._lock if self.serialize else nullcontext():
            reply = self.model().invoke(list(messages))
        if not isinstance(reply, AIMessage):
            raise TypeError(f"{self.name} returned {type(reply).__name__}, not AIMessage")
        return reply


class ProviderChain:
    def __init__(self, providers: Sequence[Provider]) -> None:
        self.providers = list(providers)

    def invoke(self, messages: Sequence[BaseMessage]) -> tuple[AIMessage, str]:
        """The first successful reply and the name of the provider that gave it."""
        errors: list[str] = []
        for provider in self.providers:
            if not provider.breaker.allow():
                errors.append(f"{provider.name}: circuit open")
                continue
            try:
                reply = provider.invoke(messages)
            except Exception as exc:  # any provider failure moves on to the next one
                provider.breaker.record_failure()
                errors.append(f"{provider.name}: {type(exc).__name__}: {exc}"[:300])
                continue
            provider.breaker.record_success()
            return reply, provider.name
        raise AllProvidersFailedError(errors)

    def states(self) -> dict[str, BreakerState]:
        return {p.name: p.breaker.state for p in self.providers}
