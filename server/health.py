"""What operators and orchestrators call: liveness, readiness (what answering needs), a detailed
view of every dependency, and the Prometheus metrics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from observability.metrics import metrics_response
from server.auth import Principal, require_client
from server.dependency_checks import redis_ok
from server.errors import error_responses
from server.scrape import refresh_state_gauges
from server.state import AppState, AppStateDep

router = APIRouter(tags=["health"])


def _corpus(state: AppState) -> dict[str, Any]:
    try:
        corpus = state.services.retriever.corpus
    except Exception as exc:  # an unreadable index is a readiness failure, not a crash
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": bool(corpus.chunks), "version": corpus.version, "chunks": len(corpus.chunks)}


def _llm(state: AppState) -> dict[str, Any]:
    breakers = state.services.llm.states()
    return {"providers": {name: breaker.value for name, breaker in breakers.items()}}


@router.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health/ready", responses=error_responses(503))
async def ready(state: AppStateDep) -> JSONResponse:
    """Ready when the corpus is loaded and the session store answers. A failed LLM is not
    unreadiness: the graph still answers through its extractive fallback."""
    sessions_ok = True  # SQLite sessions: nothing to reach
    if state.settings.redis_url:
        sessions_ok = await redis_ok(state.settings.redis_url)
        state.metrics.dependency_up.labels("redis").set(1 if sessions_ok else 0)
    checks = {"corpus": _corpus(state)["ok"], "sessions": sessions_ok}
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
        "redis": await redis_ok(settings.redis_url) if settings.redis_url else None,
        "database": "postgresql" if settings.database_url else "sqlite",
        "sessions": "redis" if settings.redis_url else "sqlite",
        "llm": _llm(state),
        "reranker": {"available": status.available, "detail": status.detail},
        "tracing": state.tracing is not None,
        "cache": state.cache.stats(),
    }


@router.get("/metrics", include_in_schema=False, responses=error_responses(401))
async def metrics(state: AppStateDep, _: Annotated[Principal, Depends(require_client)]) -> Response:
    await refresh_state_gauges(state)
    return metrics_response(state.metrics)
