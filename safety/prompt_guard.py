"""Groq-hosted Llama Prompt Guard 2: the optional third layer (only with a Groq API key).

The model answers a chat completion with a single number, the probability that the text is a
prompt attack. Calls are time-boxed and never retried; any failure raises ``PromptGuardError``
so that the guard's fail-open / fail-closed policy decides what happens.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from safety.verdict import Verdict

MODEL_ID = "meta-llama/llama-prompt-guard-2-86m"
CHUNK_CHARS = 2_000  # ~512 tokens, the model's window; longer text is checked at head and tail


class PromptGuardError(RuntimeError):
    """The Prompt Guard call failed or returned something that is not a score."""


class ChatClient(Protocol):
    """The slice of ``groq.Groq`` this layer uses (a fake stands in for it in tests)."""

    @property
    def chat(self) -> Any: ...


def _chunks(text: str) -> list[str]:
    if len(text) <= CHUNK_CHARS:
        return [text]
    return [text[:CHUNK_CHARS], text[-CHUNK_CHARS:]]


def parse_score(content: object) -> float:
    try:
        score = float(str(content).strip())
    except ValueError as exc:
        raise PromptGuardError(f"not a score: {str(content)[:40]!r}") from exc
    if not 0.0 <= score <= 1.0:
        raise PromptGuardError(f"score out of range: {score}")
    return score


class PromptGuardLayer:
    """Blocks when Prompt Guard's attack probability reaches ``threshold``."""

    name = "prompt_guard"

    def __init__(
        self,
        api_key: str,
        *,
        threshold: float = 0.5,
        timeout_s: float = 2.0,
        model: str = MODEL_ID,
        client: ChatClient | None = None,
    ) -> None:
        self.threshold = threshold
        self.timeout_s = timeout_s
        self.model = model
        self._api_key = api_key
        self._client = client

    @property
    def client(self) -> ChatClient:
        if self._client is None:
            from groq import Groq

            self._client = Groq(api_key=self._api_key, timeout=self.timeout_s, max_retries=0)
        return self._client

    def score(self, text: str) -> float:
        if not text.strip():
            return 0.0
        deadline = time.monotonic() + self.timeout_s
        best = 0.0
        for chunk in _chunks(text):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PromptGuardError(f"timed out after {self.timeout_s:.1f} s")
            try:
                response = self.client.chat.completions.create(
                    model=self.model,
                    messages=[{"role": "user", "content": chunk}],
                    timeout=remaining,
                )
                content = response.choices[0].message.content
            except Exception as exc:  # network, HTTP status, timeout, odd payload
                raise PromptGuardError(f"{type(exc).__name__}: {exc}") from exc
            best = max(best, parse_score(content))
        return best

    def check(self, text: str) -> Verdict:
        score = self.score(text)
        return Verdict(score >= self.threshold, score, f"prompt_guard:{score:.2f}", self.name)
