"""A tiny Groq/OpenAI-compatible chat-completions server for the stack tests.

The stack has no internet, so the API replicas talk to this instead of Groq (``GROQ_BASE_URL``).
It answers ``POST /openai/v1/chat/completions``, streaming or not:
- the Prompt Guard model (``*prompt-guard*``) gets the score ``0.01``, so the guard's Groq layer
  runs for real and lets ordinary questions through;
- any other model quotes passage ``[1]`` and cites it (so the reply holds the date or number the
  question asks for, as a real model's would); the prompt always carries at least one passage
  when the LLM is called.
``STUB_LLM_DELAY_MS`` slows every answer, so load tests have requests in flight; a request whose
text holds the word ``tortoise`` takes ``SLOW_S`` more (graceful-shutdown tests need one long one),
except for Prompt Guard, which the guard time-boxes.
Standard library only: it runs on the bare base image.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWER = "According to your documents, the answer is in the first passage [1]."  # no passage
FIRST_PASSAGE = re.compile(r'<document index="1"[^\n]*\n(.*?)\n</document>', re.DOTALL)
GUARD_SCORE = "0.01"
DELAY_S = int(os.environ.get("STUB_LLM_DELAY_MS", "0")) / 1000
SLOW_S = 4.0


def reply_for(body: dict[str, Any]) -> str:
    if "prompt-guard" in str(body.get("model", "")):
        return GUARD_SCORE
    messages = body.get("messages") or [{}]
    passage = FIRST_PASSAGE.search(str(messages[-1].get("content", "")))
    return f"{' '.join(passage[1].split())} [1]" if passage else ANSWER


def completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 12, "total_tokens": 22},
    }


def chunk(model: str, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the API's logs, not this server's."""

    def do_GET(self) -> None:
        self._json(200, {"status": "ok"} if self.path == "/health" else {"error": "not found"})

    def do_POST(self) -> None:
        if not self.path.endswith("/chat/completions"):
            self._json(404, {"error": {"message": f"no route {self.path}"}})
            return
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        body = json.loads(raw or b"{}")
        model, content = str(body.get("model", "stub")), reply_for(body)
        # Never slow Prompt Guard: past its 2 s time box the guard fails closed and blocks.
        slow = content != GUARD_SCORE and b"tortoise" in raw.lower()
        time.sleep(DELAY_S + (SLOW_S if slow else 0))
        if body.get("stream"):
            self._stream(model, content)
        else:
            self._json(200, completion(model, content))

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, model: str, content: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")  # no chunked framing: the stream ends at close
        self.end_headers()
        events = [chunk(model, {"role": "assistant", "content": ""}, None)]
        events += [chunk(model, {"content": word + " "}, None) for word in content.split()]
        events.append(chunk(model, {}, "stop"))
        for event in events:
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.close_connection = True


def main() -> None:
    # PID 1 in its container: without a handler the kernel ignores SIGTERM and `stop` waits 10 s.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    port = int(os.environ.get("STUB_LLM_PORT", "8080"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
