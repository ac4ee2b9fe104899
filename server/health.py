"""Liveness, readiness (what answering needs) and a detailed view of every dependency."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis

from server.auth import Principal, require_client

router = APIRouter(prefix="/health", tags=["health"])

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


def _corpus(request: Request) -> dict[str, Any]:
    try:
        corpus = request.app.state.services.retriever.corpus
    except Exception as exc:  # an unreadable index is a readiness failure, not a crash
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": bool(corpus.chunks), "version": corpus.version, "chunks": len(corpus.chunks)}


def _llm(request: Request) -> dict[str, Any]:
    states = request.app.state.services.llm.states()
    for name, state in states.items():
        request.app.state.metrics.set_breaker_state(name, state)
    return {"providers": {name: state.value for name, state in states.items()}}


@router.get("/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready")
async def ready(request: Request) -> JSONResponse:
    """Ready when the corpus is loaded and the session store answers. A failed LLM is not
    unreadiness: the graph still answers through its extractive fallback."""
    settings = request.app.state.settings
    redis_ok = await _redis_ok(settings.redis_url)
    corpus = _corpus(request)
    checks = {"corpus": corpus["ok"], "sessions": redis_ok is not False}
    status = 200 if all(checks.values()) else 503
    return JSONResponse({"ready": status == 200, "checks": checks}, status_code=status)


@router.get("/detailed")
async def detailed(
    request: Request, _: Annotated[Principal, Depends(require_client)]
) -> dict[str, Any]:
    settings = request.app.state.settings
    status = request.app.state.services.retriever.reranker.status()
    return {
        "corpus": _corpus(request),
        "redis": await _redis_ok(settings.redis_url),
        "database": "postgresql" if settings.database_url else "sqlite",
        "sessions": "redis" if settings.redis_url else "sqlite",
        "llm": _llm(request),
        "reranker": {"available": status.available, "detail": status.detail},
        "tracing": request.app.state.tracing is not None,
        "cache": request.app.state.cache.stats(),
    }
