"""Input limits: the request body size (ASGI middleware) and what a question may look like."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import groupby

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import Settings

# --- request body size ----------------------------------------------------------------------


class _BodyTooLargeError(Exception):
    pass


class BodySizeLimitMiddleware:
    """413 for a request body over ``max_bytes``, declared (Content-Length) or streamed (chunked).

    A declared size over the limit is refused before reading anything. Otherwise bytes are
    counted as the app reads them; the read that crosses the limit fails and nothing after it
    is read, so a huge body is never held in memory. Whatever the app does with that failure
    (FastAPI turns it into a 400) is replaced by the 413, as long as no response has started.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send)
            return

        received = 0
        too_large = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if too_large and not response_started:
                return  # the app's reaction to the failed read; the 413 below replaces it
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large or response_started:
                raise
        if too_large:
            if response_started:
                # Too late for a 413: failing makes the server drop the connection.
                raise _BodyTooLargeError
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body too large: the limit is {self.max_bytes} bytes"
        # Connection: close, because the unread rest of the body cannot be skipped cheaply.
        response = JSONResponse(
            {"detail": detail}, status_code=413, headers={"Connection": "close"}
        )
        await response(scope, receive, send)


# --- questions ------------------------------------------------------------------------------

_ALLOWED_CONTROLS = frozenset("\t\n\r")
# Letter runs only: numbers, code and tables legitimately repeat ("0 0 0 0"), words rarely do.
_WORD = re.compile(r"[^\W\d_]+")

MAX_SAME_WORD_RUN = 20  # "buy buy buy ..." 20 times in a row
MIN_WORDS_FOR_SHARE = 10
MAX_TOP_WORD_SHARE = 0.9  # of 10+ words, more than 90% are the same word
MIN_WORDS_FOR_VARIETY = 30
MIN_DISTINCT_SHARE = 0.1  # of 30+ words, at most 10% distinct: a phrase pasted over and over


class QuestionError(ValueError):
    """The question is refused; the message is meant for the person who asked."""


def control_character(text: str) -> str | None:
    """The first control character (other than tab and newlines) as ``U+XXXX``, or None."""
    for char in text:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs"):
            return f"U+{ord(char):04X}"
    return None


def validate_question(text: str, settings: Settings) -> str:
    """The question with surrounding whitespace removed, or ``QuestionError`` saying why not."""
    question = text.strip()
    if len(question) < settings.question_min_chars:
        raise QuestionError(
            f"question is too short: at least {settings.question_min_chars} characters"
        )
    if len(question) > settings.question_max_chars:
        raise QuestionError(
            f"question is too long: at most {settings.question_max_chars} characters "
            f"(this one has {len(question)})"
        )
    found = control_character(question)
    if found:
        raise QuestionError(f"question contains a control character ({found})")
    spam = _spam_reason(question)
    if spam:
        raise QuestionError(f"question looks like spam: {spam}")
    return question


def _spam_reason(question: str) -> str | None:
    words = [w.casefold() for w in _WORD.findall(question)]
    if not words:
        return None
    word, run = max(((w, len(list(g))) for w, g in groupby(words)), key=lambda wr: wr[1])
    if run >= MAX_SAME_WORD_RUN:
        return f"{word!r} repeated {run} times in a row"
    top, count = Counter(words).most_common(1)[0]
    if len(words) >= MIN_WORDS_FOR_SHARE and count / len(words) > MAX_TOP_WORD_SHARE:
        return f"{count} of its {len(words)} words are {top!r}"
    distinct = len(set(words))
    if len(words) >= MIN_WORDS_FOR_VARIETY and distinct / len(words) <= MIN_DISTINCT_SHARE:
        return f"only {distinct} different words in {len(words)}"
    return None
