"""The one fake in the suite: a chat model that replays queued outcomes: text, an exception, or
text that breaks off (``BrokenOff``: some words stream, then the connection drops). Like the real
providers it reports token usage (here: words) with its reply."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult


@dataclass(frozen=True)
class BrokenOff:
    text: str  # streamed word by word before the failure


class QueuedChatModel(BaseChatModel):
    outcomes: list[str | BaseException | BrokenOff]
    calls: list[list[BaseMessage]]
    token_delay_s: float = 0.0  # a slow model: streamed words come this far apart
    abandoned: list[str]  # replies whose stream the caller closed before the end

    @property
    def _llm_type(self) -> str:
        return "queued-fake"

    def _next(self, messages: list[BaseMessage]) -> str | BrokenOff:
        self.calls.append(messages)
        if not self.outcomes:
            raise RuntimeError("QueuedChatModel: no outcome queued")
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        outcome = self._next(messages)
        if isinstance(outcome, BrokenOff):
            raise ConnectionError("QueuedChatModel: reply broken off")
        usage = _usage(messages, outcome)
        return ChatResult(
            generations=[ChatGeneration(message=AIMessage(outcome, usage_metadata=usage))]
        )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        outcome = self._next(messages)
        text = outcome.text if isinstance(outcome, BrokenOff) else outcome
        finished = False
        words = text.split(" ")
        try:
            for n, word in enumerate(words):
                time.sleep(self.token_delay_s)
                last = n == len(words) - 1 and not isinstance(outcome, BrokenOff)
                piece = ChatGenerationChunk(
                    message=AIMessageChunk(
                        content=f" {word}" if n else word,
                        usage_metadata=_usage(messages, text) if last else None,
                    )
                )
                if run_manager:
                    run_manager.on_llm_new_token(piece.text, chunk=piece)
                yield piece
            if isinstance(outcome, BrokenOff):
                raise ConnectionError("QueuedChatModel: reply broken off")
            finished = True
        finally:
            if not finished:
                self.abandoned.append(text)


def _usage(messages: list[BaseMessage], reply: str) -> UsageMetadata:
    prompt = sum(len(m.text.split()) for m in messages)
    completion = len(reply.split())
    return UsageMetadata(
        input_tokens=prompt, output_tokens=completion, total_tokens=prompt + completion
    )


def queued(
    *outcomes: str | BaseException | BrokenOff, token_delay_s: float = 0.0
) -> QueuedChatModel:
    return QueuedChatModel(
        outcomes=list(outcomes), calls=[], token_delay_s=token_delay_s, abandoned=[]
    )
