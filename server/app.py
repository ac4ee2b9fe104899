"""The FastAPI application: LangServe at ``/rag`` plus the REST routes, behind auth, limits,
security headers, request ids and metrics. ``create_app`` is an app factory (uvicorn --factory)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from redis.asyncio import Redis
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from core.settings import Settings
from core.tracing import Tracing
from graph.builder import build_graph
from graph.context import Context
from graph.services import Services
from graph.sessions import open_async_checkpointer
from server import api_routes, auth, health
from server.answering import AnswerRunnable
from server.auth import Principal, check_startup_security, require_client
from server.cache import ResponseCache
from server.db import open_database
from server.feedback import FeedbackStore
from server.limits import BodySizeLimitMiddleware
from server.logging import RequestIdMiddleware, configure_logging
from server.metrics import Metrics, MetricsMiddleware, metrics_response
from server.migrations import migrate
from server.observer import MetricsObserver
from server.rag_routes import mount_rag
from server.ratelimit import RateLimiter
from server.security import SecurityHeadersMiddleware, add_cors
from server.users import UserStore

log = logging.getLogger(__name__)

UPLOAD_PATHS = ("/ingest",)


class BodyLimits:
    """Small JSON bodies everywhere; uploads may be as large as one ingestible file."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.default = BodySizeLimitMiddleware(app, settings.max_body_bytes)
        self.uploads = BodySizeLimitMiddleware(app, settings.max_file_bytes * 4)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and scope["path"] in UPLOAD_PATHS
        await (self.uploads if upload else self.default)(scope, receive, send)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    check_startup_security(settings)
    secrets = [s for s in (*settings.api_keys, settings.jwt_secret, settings.groq_api_key) if s]
    configure_logging(secrets=secrets)
    services = services or Services.from_settings(settings)
    metrics = Metrics()
    tracing = Tracing.from_settings(settings)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    cache = ResponseCache(settings.cache_ttl_s, redis)
    observer = MetricsObserver(metrics)

    def callbacks(configurable: dict[str, Any], run_id: Any) -> list[Any]:
        handlers: list[Any] = [observer]
        if tracing is not None:
            # The LangServe run id is the trace id, so feedback on that run scores this trace.
            handlers.append(tracing.handler(UUID(str(run_id)).hex if run_id else None))
        return handlers

    def metadata(configurable: dict[str, Any]) -> dict[str, Any]:
        if tracing is None:
            return {}
        principal = configurable.get("principal")
        return tracing.metadata(configurable["thread_id"], principal, Context().prompt_version)

    runnable = AnswerRunnable(
        graph=None,
        cache=cache,
        corpus_version=lambda: services.retriever.corpus.version,
        callbacks_factory=callbacks,
        metadata_factory=metadata,
        on_answer=lambda answer, cached: _count(metrics, answer, cached),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_database(settings)
        migrate(db)
        app.state.users = UserStore(db)
        app.state.feedback = FeedbackStore(db)
        app.state.rate_limiter = RateLimiter.from_settings(settings)
        async with open_async_checkpointer(settings) as checkpointer:
            app.state.checkpointer = checkpointer
            runnable.graph = build_graph(services).compile(checkpointer=checkpointer)
            log.info("service ready", extra={"corpus": services.retriever.corpus.version})
            try:
                yield
            finally:
                # Uvicorn lets in-flight requests finish before this runs; then close pools.
                await app.state.rate_limiter.close()
                if redis is not None:
                    await redis.aclose()
                db.close()
                if tracing is not None:
                    tracing.shutdown()

    app = FastAPI(
        title="personal-rag",
        version="0.1.0",
        description="Grounded, cited answers about your own documents.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    app.state.embeddings = getattr(services.retriever, "embeddings", None)
    app.state.metrics = metrics
    app.state.cache = cache
    app.state.tracing = tracing

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's shape, minus the echoed input (it may be a 30 KB attack string) and the
        # exception objects in ctx; the message says what is wrong.
        errors = [{k: e[k] for k in ("type", "loc", "msg") if k in e} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    mount_rag(app, runnable)
    # Login attempts count against the per-IP rate limit: slows password guessing.
    app.include_router(auth.router, dependencies=[Depends(api_routes.rate_limit)])
    app.include_router(api_routes.router)
    app.include_router(health.router)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus(_: Annotated[Principal, Depends(require_client)]) -> Response:
        return metrics_response(metrics)

    add_cors(app, settings)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.hsts)
    app.add_middleware(BodyLimits, settings=settings)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)  # outermost: every log line has the request id
    return app


def _count(metrics: Metrics, answer: dict[str, Any], cached: bool) -> None:
    if cached:
        metrics.cache_hits.labels("response").inc()
        return
    metrics.cache_misses.labels("response").inc()
    if answer["outcome"] == "blocked":
        metrics.guard_blocks.inc()
    elif answer["outcome"] == "fallback":
        metrics.fallbacks.labels(answer["reason"] or "unknown").inc()
