"""The one fake in the suite: a chat model that replays queued outcomes: text, an exception, or
text that breaks off (``BrokenOff``: some words stream, then the connection drops)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
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
        return ChatResult(generations=[ChatGeneration(message=AIMessage(outcome))])

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
        try:
            for n, word in enumerate(text.split(" ")):
                time.sleep(self.token_delay_s)
                piece = ChatGenerationChunk(
                    message=AIMessageChunk(content=f" {word}" if n else word)
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


def queued(
    *outcomes: str | BaseException | BrokenOff, token_delay_s: float = 0.0
) -> QueuedChatModel:
    return QueuedChatModel(
        outcomes=list(outcomes), calls=[], token_delay_s=token_delay_s, abandoned=[]
    )
