"""A chain of chat-model providers, each behind its own circuit breaker.

The first provider whose breaker allows a call and that answers wins; failures (errors, timeouts,
rate limits) are recorded against that provider and the next one is tried. When every provider has
failed or is open, ``AllProvidersFailedError`` lets the graph route to its extractive fallback.

A call may carry a deadline (a node's time box). Replies are streamed, and a reply still coming
when the deadline passes is cut off there: closing the stream stops llama.cpp generating and
closes the HTTP stream to Groq, so work the caller gave up on does not go on holding the model.
A spent deadline is the caller's budget, not the provider's fault: it does not count against the
breaker.

A remote provider (one with ``timeout_s``, Groq) also has a timeout of its own for the whole
reply: a server that drips tokens just faster than the HTTP read timeout would otherwise hold a
request for minutes. Running out of it is the provider's fault: it counts against the breaker and
the next provider is tried. Its HTTP waits (the first token included) are bounded by whichever
comes first, its timeout or the caller's deadline. A local model's wait for its first token is
the prompt being read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.utils import message_chunk_to_message

from llm.breaker import BreakerState, CircuitBreaker


class AllProvidersFailedError(RuntimeError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors) or "no LLM provider configured")
        self.errors = errors


class DeadlineExceededError(TimeoutError):
    """The caller's time box ran out before the reply was complete."""


class ReplyTimeoutError(TimeoutError):
    """The provider did not complete its reply within its own ``timeout_s``."""


@dataclass
class Provider:
    name: str
    make_model: Callable[[], BaseChatModel]
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    # llama.cpp contexts are not thread-safe: one generation at a time per local model.
    serialize: bool = False
    timeout_s: float | None = None  # for the whole reply; None: bounded by max_tokens alone
    _model: BaseChatModel | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def model(self) -> BaseChatModel:
        if self._model is None:
            self._model = self.make_model()
        return self._model

    def invoke(self, messages: Sequence[BaseMessage], deadline: float | None = None) -> AIMessage:
        if not self.serialize:
            return self._generate(messages, deadline)
        wait = -1 if deadline is None else max(0.0, deadline - time.monotonic())
        if not self._lock.acquire(timeout=wait):
            raise DeadlineExceededError(f"{self.name}: busy until the time box ran out")
        try:
            return self._generate(messages, deadline)
        finally:
            self._lock.release()

    def _generate(self, messages: Sequence[BaseMessage], deadline: float | None) -> AIMessage:
        reply: AIMessageChunk | None = None
        options: dict[str, Any] = {}
        timeout_at = None
        if self.timeout_s is not None:  # remote: the SDK takes a timeout per request
            timeout_at = time.monotonic() + self.timeout_s
            first = timeout_at if deadline is None else min(timeout_at, deadline)
            options["timeout"] = max(0.01, first - time.monotonic())
        stream = self.model().stream(list(messages), **options)
        try:
            for chunk in stream:
                if not isinstance(chunk, AIMessageChunk):
                    # A model that cannot stream yields its whole reply once.
                    if isinstance(chunk, AIMessage):
                        return chunk
                    raise TypeError(f"{self.name} streamed {type(chunk).__name__}")
                reply = chunk if reply is None else reply + chunk
                now = time.monotonic()
                if deadline is not None and now > deadline:
                    raise DeadlineExceededError(f"{self.name}: reply cut off by the time box")
                if timeout_at is not None and now > timeout_at:
                    raise ReplyTimeoutError(
                        f"{self.name}: reply not complete within {self.timeout_s:g} s"
                    )
        except Exception as exc:
            # An HTTP timeout set from the caller's deadline is the caller's budget running out.
            if deadline is not None and time.monotonic() >= deadline:
                if isinstance(exc, DeadlineExceededError):
                    raise
                raise DeadlineExceededError(f"{self.name}: no reply within the time box") from exc
            raise
        finally:
            close = getattr(stream, "close", None)  # a generator: closing stops the generation
            if close is not None:
                close()
        if reply is None:
            raise RuntimeError(f"{self.name} returned nothing")
        message = message_chunk_to_message(reply)
        assert isinstance(message, AIMessage)
        return message


class ProviderChain:
    def __init__(self, providers: Sequence[Provider]) -> None:
        self.providers = list(providers)

    def invoke(
        self, messages: Sequence[BaseMessage], deadline: float | None = None
    ) -> tuple[AIMessage, str]:
        """The first successful reply and the name of the provider that gave it, before
        ``deadline`` (``time.monotonic()``) if one is given."""
        errors: list[str] = []
        for provider in self.providers:
            if not provider.breaker.allow():
                errors.append(f"{provider.name}: circuit open")
                continue
            try:
                reply = provider.invoke(messages, deadline)
            except DeadlineExceededError as exc:
                provider.breaker.release()  # the budget ran out, the provider did not fail
                raise AllProvidersFailedError([*errors, str(exc)]) from exc
            except Exception as exc:  # any provider failure moves on to the next one
                provider.breaker.record_failure()
                errors.append(f"{provider.name}: {type(exc).__name__}: {exc}"[:300])
                continue
            provider.breaker.record_success()
            return reply, provider.name
        raise AllProvidersFailedError(errors)

    def states(self) -> dict[str, BreakerState]:
        return {p.name: p.breaker.state for p in self.providers}
