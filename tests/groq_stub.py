"""A Groq-compatible (OpenAI-style) chat completions server for the tests, on 127.0.0.1.

The groq SDK (and so ``ChatGroq`` and the Prompt Guard layer) talks to it when ``GROQ_BASE_URL``
points here. Each model can be told to misbehave the way a real API does: answer slowly, drip its
tokens, fail with a 5xx, refuse with 429 + ``Retry-After``, cut its stream off half-way, or send
garbage instead of JSON. Models not told otherwise answer well: the rewrite gets the last question
back, an answer quotes passage [1] and cites it (so it holds the date or number asked for, as a
real model's would), Prompt Guard gets a benign score.

Run it in the test process (``serving(stub.app)`` from ``tests.servers``) and flip ``stub.modes``
between requests, or as its own process (``python -m tests.groq_stub --port P``) for load tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any, Literal

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

Mode = Literal["ok", "slow", "drip", "error", "rate_limited", "truncated", "garbage"]
MODES: tuple[Mode, ...] = ("ok", "slow", "drip", "error", "rate_limited", "truncated", "garbage")

ANSWER = "Your documents say so in the first passage [1]."  # when the prompt has no passage
_FIRST_PASSAGE = re.compile(r'<document index="1"[^\n]*\n(.*?)\n</document>', re.DOTALL)
PROMPT_GUARD = "meta-llama/llama-prompt-guard-2-86m"


class GroqStub:
    def __init__(self, *, delay_s: float = 5.0, retry_after_s: int = 30) -> None:
        self.modes: dict[str, Mode] = {}  # model -> mode; absent = "ok"
        self.delay_s = delay_s  # how long "slow" waits, and how long "drip" takes per token
        self.retry_after_s = retry_after_s
        self.calls: Counter[str] = Counter()  # requests per model
        self.app = FastAPI()
        self.app.post("/openai/v1/chat/completions")(self._completions)

    async def _completions(self, request: Request) -> Response:
        body = await request.json()
        model = str(body.get("model"))
        self.calls[model] += 1
        mode = self.modes.get(model, "ok")
        text = reply_for(model, body.get("messages") or [])
        if mode == "slow":
            await asyncio.sleep(self.delay_s)
        elif mode == "error":
            return JSONResponse({"error": {"message": "upstream exploded"}}, status_code=503)
        elif mode == "rate_limited":
            return JSONResponse(
                {"error": {"message": "Rate limit reached", "type": "tokens"}},
                status_code=429,
                headers={"Retry-After": str(self.retry_after_s)},
            )
        elif mode == "garbage":
            kind = "text/event-stream" if body.get("stream") else "application/json"
            return Response("data: <html>502 Bad Gateway</html>\n\n", media_type=kind)
        if not body.get("stream"):
            return JSONResponse(completion(model, text))
        return StreamingResponse(self._chunks(model, text, mode), media_type="text/event-stream")

    async def _chunks(self, model: str, text: str, mode: Mode) -> AsyncIterator[str]:
        words = text.split(" ")
        for n, word in enumerate(words):
            if mode == "truncated" and n == len(words) // 2:
                # The connection drops mid-stream: no final chunk, no [DONE].
                raise ConnectionAbortedError("stub: stream cut off")
            if mode == "drip":
                await asyncio.sleep(self.delay_s)
            yield sse(chunk(model, {"content": word if n == 0 else f" {word}"}))
        yield sse(chunk(model, {}, finish_reason="stop"))
        yield "data: [DONE]\n\n"


def reply_for(model: str, messages: list[dict[str, Any]]) -> str:
    if model == PROMPT_GUARD:
        return "0.001"
    last = str(messages[-1].get("content", "")) if messages else ""
    marker = "Last question:"
    if marker in last:  # the rewrite node: the follow-up, already standalone
        return last.rsplit(marker, 1)[1].strip()
    passage = _FIRST_PASSAGE.search(last)
    return f"{' '.join(passage[1].split())} [1]" if passage else ANSWER


def completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def chunk(model: str, delta: dict[str, str], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload)}\n\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(GroqStub().app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
