"""What every request is checked for before any work is done, in one place: the session id, the
question (its rules: ``server.questions``) and the rate limits. Every refusal is a 4xx whose
message says what is wrong.

The LangServe routes run ``check_rag_request`` (their per-request hook); the REST routes call the
same checks directly.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from core.settings import Settings
from graph.sessions import InvalidSessionIdError, validate_session_id
from server.questions import QuestionError, validate_question
from server.ratelimit import client_ip, rate_limit_error
from server.state import AppState, app_state


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
