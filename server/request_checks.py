"""What every request is checked for before any work is done, in one place: the session id, the
question (length, control characters, repeated-word spam) and the rate limits. Every refusal is a
4xx whose message says what is wrong.

The LangServe routes run ``check_rag_request`` (their per-request hook); the REST routes call the
same checks directly.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import groupby
from typing import Any

from fastapi import HTTPException, Request

from core.settings import Settings
from graph.sessions import InvalidSessionIdError, validate_session_id
from server.ratelimit import client_ip, rate_limit_error
from server.state import AppState, app_state

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


def check_session_id(session_id: object) -> str:
    if not isinstance(session_id, str):
        raise HTTPException(
            422, "missing session: send config.configurable.thread_id (your session id)"
        )
    try:
        return validate_session_id(session_id)
    except InvalidSessionIdError as exc:
        raise HTTPException(422, f"invalid session id: {exc}") from exc


def check_question(text: object, settings: Settings, name: str = "question") -> str:
    if not isinstance(text, str):
        raise HTTPException(422, f'input must be {{"{name}": "..."}}')
    try:
        return validate_question(text, settings)
    except QuestionError as exc:
        raise HTTPException(422, str(exc).replace("question", name, 1)) from exc


async def check_rate_limits(
    state: AppState, request: Request, session_id: str | None = None
) -> None:
    """Per-IP request rate, plus the per-session limits when the request belongs to a session."""
    decision = await state.limiter.check(client_ip(request.scope), session_id)
    if not decision.allowed:
        state.metrics.rate_limit_rejections.labels(decision.limit_name).inc()
        raise rate_limit_error(decision)


async def rate_limited(request: Request) -> None:
    """The rate limit as a route dependency, for routes without a session."""
    await check_rate_limits(app_state(request), request)


def questions_in(body: dict[str, Any]) -> list[Any]:
    """The question of every input in an invoke/stream (``input``) or batch (``inputs``) body."""
    if "inputs" in body and isinstance(body["inputs"], list):
        return [item.get("question") if isinstance(item, dict) else None for item in body["inputs"]]
    payload = body.get("input")
    return [payload.get("question") if isinstance(payload, dict) else None]


def session_ids_in(body: dict[str, Any]) -> list[Any]:
    """The thread_id of every config: one (``config``) or one per batch input (a list)."""
    configs = body.get("config")
    configs = configs if isinstance(configs, list) else [configs]
    return [
        ((c or {}).get("configurable") or {}).get("thread_id") if isinstance(c, dict) else None
        for c in configs
    ]


async def check_rag_request(config: dict[str, Any], request: Request) -> dict[str, Any]:
    """LangServe's per-request hook (invoke, batch, stream...): it keeps thread_id (declared by
    the runnable) and refuses a missing or malformed session, a bad question and a client over
    its rate limits."""
    state = app_state(request)
    try:
        body = await request.json()
    except ValueError as exc:
        raise HTTPException(422, "request body must be JSON") from exc
    if not isinstance(body, dict):
        raise HTTPException(422, "request body must be a JSON object")
    session_ids = [check_session_id(session_id) for session_id in session_ids_in(body)]
    for question in questions_in(body):
        check_question(question, state.settings)
    for session_id in set(session_ids):
        await check_rate_limits(state, request, session_id)
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        config.setdefault("configurable", {})["principal"] = principal.name
    return config
