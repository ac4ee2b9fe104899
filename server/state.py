"""Everything a request can use, built once at startup: the typed application state.

``AppState.start`` opens what needs the event loop or a connection (the session store, the
database, Redis clients, tracing) and closes it all at shutdown. Routes reach it through the
``app_state`` dependency, and through the narrower ``app_settings`` / ``user_store`` where that is
all they need (tests of one component override just those).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.applications import Starlette

from core.settings import Settings
from graph.answerer import Answerer, open_answerer
from graph.services import Services
from graph.sessions import redis_client
from observability.graph_metrics import MetricsObserver
from observability.metrics import Metrics
from observability.tracing import Tracing
from server import cache
from server.audit import AuditLog
from server.cache import ResponseCache
from server.conversations import ConversationStore
from server.db import open_database
from server.feedback import FeedbackStore
from server.migrations import migrate
from server.ratelimit import RateLimiter
from server.retention import keep_retention
from server.users import UserStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppState:
    settings: Settings
    services: Services
    answerer: Answerer
    cache: ResponseCache
    limiter: RateLimiter
    users: UserStore
    feedback: FeedbackStore
    audit: AuditLog
    conversations: ConversationStore
    metrics: Metrics
    tracing: Tracing | None

    @classmethod
    @asynccontextmanager
    async def start(
        cls, settings: Settings, services: Services, metrics: Metrics
    ) -> AsyncIterator[AppState]:
        db = open_database(settings)
        migrate(db)
        tracing = Tracing.from_settings(settings)
        redis = (
            redis_client(
                settings.redis_url,
                max_connections=cache.REDIS_CONNECTIONS,
                timeout_s=cache.REDIS_TIMEOUT_S,
            )
            if settings.redis_url
            else None
        )
        limiter = RateLimiter.from_settings(settings)
        try:
            observers = [MetricsObserver(metrics)]
            async with open_answerer(settings, services, tracing, observers) as answerer:
                feedback, conversations = FeedbackStore(db), ConversationStore(db)
                retention = asyncio.create_task(
                    keep_retention(settings, answerer.sessions, feedback, conversations)
                )
                try:
                    yield cls(
                        settings=settings,
                        services=services,
                        answerer=answerer,
                        cache=ResponseCache(settings.cache_ttl_s, redis),
                        limiter=limiter,
                        users=UserStore(db),
                        feedback=feedback,
                        audit=AuditLog(db),
                        conversations=conversations,
                        metrics=metrics,
                        tracing=tracing,
                    )
                finally:
                    retention.cancel()
        finally:
            # Uvicorn lets in-flight requests finish before this runs; then close pools.
            await limiter.close()
            if redis is not None:
                await redis.aclose()
            db.close()
            if tracing is not None:
                tracing.shutdown()


# The dependencies below are ``async`` although they never wait: FastAPI runs a plain ``def``
# dependency on its thread pool, a hop per request for nothing.


def state_of(app: Starlette) -> AppState:
    """The state ``AppState.start`` left on the app (as ``app.state.rag``)."""
    state = getattr(app.state, "rag", None)
    if not isinstance(state, AppState):
        raise RuntimeError("the service has not finished starting")
    return state


async def app_state(request: Request) -> AppState:
    return state_of(request.app)


AppStateDep = Annotated[AppState, Depends(app_state)]


async def app_settings(state: AppStateDep) -> Settings:
    return state.settings


async def user_store(state: AppStateDep) -> UserStore:
    return state.users
