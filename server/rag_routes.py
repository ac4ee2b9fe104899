"""``/rag``: the answer graph through LangServe, with the session, limits and rate limits checked
before the graph runs (every refusal is a 4xx with a message, never a 500)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from langserve import add_routes
from langserve.server import EndpointName

from core.settings import Settings
from graph.sessions import InvalidSessionIdError, validate_session_id
from server.answering import AnswerRunnable
from server.auth import require_client
from server.limits import QuestionError, validate_question
from server.ratelimit import RateLimiter, client_ip, rate_limit_error

# stream_log is left out: it would stream the runnable's internal run tree.
ENDPOINTS: list[EndpointName] = [
    "invoke",
    "batch",
    "stream",
    "stream_events",
    "playground",
    "input_schema",
    "output_schema",
    "config_schema",
]


def _questions(body: dict[str, Any]) -> list[Any]:
    if "inputs" in body and isinstance(body["inputs"], list):
        return [item.get("question") if isinstance(item, dict) else None for item in body["inputs"]]
    payload = body.get("input")
    return [payload.get("question") if isinstance(payload, dict) else None]


def _session_ids(body: dict[str, Any]) -> list[Any]:
    configs = body.get("config")
    configs = configs if isinstance(configs, list) else [configs]
    return [
        ((c or {}).get("configurable") or {}).get("thread_id") if isinstance(c, dict) else None
        for c in configs
    ]


async def check_request(config: dict[str, Any], request: Request) -> dict[str, Any]:
    """LangServe's per-request hook: it keeps thread_id (declared by the runnable) and we refuse
    a missing or malformed session, a bad question and a client over its rate limits."""
    settings: Settings = request.app.state.settings
    try:
        body = await request.json()
    except ValueError as exc:
        raise HTTPException(422, "request body must be JSON") from exc
    if not isinstance(body, dict):
        raise HTTPException(422, "request body must be a JSON object")
    session_ids = _session_ids(body)
    for session_id in session_ids:
        if not isinstance(session_id, str):
            raise HTTPException(
                422, "missing session: send config.configurable.thread_id (your session id)"
            )
        try:
            validate_session_id(session_id)
        except InvalidSessionIdError as exc:
            raise HTTPException(422, f"invalid session id: {exc}") from exc
    for question in _questions(body):
        if not isinstance(question, str):
            raise HTTPException(422, 'input must be {"question": "..."}')
        try:
            validate_question(question, settings)
        except QuestionError as exc:
            raise HTTPException(422, str(exc)) from exc
    limiter: RateLimiter = request.app.state.rate_limiter
    for session_id in set(session_ids):
        decision = await limiter.check(client_ip(request.scope), session_id)
        if not decision.allowed:
            request.app.state.metrics.rate_limit_rejections.labels(decision.limit_name).inc()
            raise rate_limit_error(decision)
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        config.setdefault("configurable", {})["principal"] = principal.name
    return config


def mount_rag(app: FastAPI, runnable: AnswerRunnable) -> None:
    add_routes(
        app,
        runnable,
        path="/rag",
        enabled_endpoints=ENDPOINTS,
        per_req_config_modifier=check_request,
        dependencies=[Depends(require_client)],
    )
