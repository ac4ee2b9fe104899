"""What operators and orchestrators call: liveness, readiness (what answering needs), a detailed
view of every dependency, and the Prometheus metrics."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from redis.asyncio import Redis

from observability.metrics import metrics_response
from server.auth import Principal, require_client
from server.errors import error_responses
from server.state import AppState, AppStateDep

router = APIRouter(tags=["health"])

CHECK_TIMEOUT_S = 1.0


async def _redis_ok(url: str | None) -> bool | None:
    if not url:
        return None  # not configured: not a dependency
    client = Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_S)
    try:
        return bool(await asyncio.wait_for(client.ping(), CHECK_TIMEOUT_S))
    except Exception:
        return False
    finally:
        await client.aclose()


def _corpus(state: AppState) -> dict[str, Any]:
    try:
        corpus = state.services.retriever.corpus
    except Exception as exc:  # an unreadable index is a readiness failure, not a crash
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": bool(corpus.chunks), "version": corpus.version, "chunks": len(corpus.chunks)}


def _llm(state: AppState) -> dict[str, Any]:
    breakers = state.services.llm.states()
    for name, breaker in breakers.items():
        state.metrics.set_breaker_state(name, breaker)
    return {"providers": {name: breaker.value for name, breaker in breakers.items()}}


@router.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health/ready", responses=error_responses(503))
async def ready(state: AppStateDep) -> JSONResponse:
    """Ready when the corpus is loaded and the session store answers. A failed LLM is not
    unreadiness: the graph still answers through its extractive fallback."""
    redis_ok = await _redis_ok(state.settings.redis_url)
    corpus = _corpus(state)
    checks = {"corpus": corpus["ok"], "sessions": redis_ok is not False}
    status = 200 if all(checks.values()) else 503
    return JSONResponse({"ready": status == 200, "checks": checks}, status_code=status)


@router.get("/health/detailed", responses=error_responses(401))
async def detailed(
    state: AppStateDep, _: Annotated[Principal, Depends(require_client)]
) -> dict[str, Any]:
    settings = state.settings
    status = state.services.retriever.reranker.status()
    return {
        "corpus": _corpus(state),
        "redis": await _redis_ok(settings.redis_url),
        "database": "postgresql" if settings.database_url else "sqlite",
        "sessions": "redis" if settings.redis_url else "sqlite",
        "llm": _llm(state),
        "reranker": {"available": status.available, "detail": status.detail},
        "tracing": state.tracing is not None,
        "cache": state.cache.stats(),
    }


@router.get("/metrics", include_in_schema=False, responses=error_responses(401))
async def metrics(state: AppStateDep, _: Annotated[Principal, Depends(require_client)]) -> Response:
    return metrics_response(state.metrics)
