"""The FastAPI application: LangServe at ``/rag`` plus the REST routes, behind auth, limits,
security headers, request ids and metrics. ``create_app`` is an app factory (uvicorn --factory).

Requests reach everything through the typed ``AppState`` (``server.state``), built when the
service starts and closed when it stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError

from core.settings import Settings
from graph.services import Services
from graph.sessions import SessionStoreUnavailableError
from knowledge.ingest import StorageFullError
from knowledge.retriever import SearchUnavailableError
from observability.logs import RequestIdMiddleware, configure_logging
from observability.metrics import Metrics, MetricsMiddleware
from server import (
    admin_corpus,
    admin_eval,
    admin_feedback,
    admin_users,
    api_routes,
    auth,
    conversation_routes,
    health,
    web,
)
from server.auth import check_startup_security
from server.db import DatabaseUnavailableError
from server.errors import dependency_unavailable, storage_full, validation_error
from server.limits import BodyLimits
from server.openapi import document_errors
from server.rag_routes import mount_rag
from server.request_checks import login_limited, rate_limited
from server.security import SecurityHeadersMiddleware, add_cors
from server.state import AppState

# The web app's pages and the API behind them (chat and admin console).
WEB_ROUTERS = (
    web.router,
    conversation_routes.router,
    admin_corpus.router,
    admin_feedback.router,
    admin_eval.router,
    admin_users.router,
)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    check_startup_security(settings)
    configure_logging(secrets=settings.secret_values())
    services = services or Services.from_settings(settings)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AppState.start(settings, services, metrics) as state:
            app.state.rag = state
            yield

    app = FastAPI(
        title="personal-rag",
        version="0.1.0",
        description="Grounded, cited answers about your own documents.",
        lifespan=lifespan,
    )
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(SessionStoreUnavailableError, dependency_unavailable("session store"))
    app.add_exception_handler(DatabaseUnavailableError, dependency_unavailable("database"))
    app.add_exception_handler(SearchUnavailableError, dependency_unavailable("search index"))
    app.add_exception_handler(StorageFullError, storage_full)
    document_errors(app)
    mount_rag(app)
    # Login attempts count against the per-IP rate and their own, lower limit: slows guessing.
    app.include_router(auth.router, dependencies=[Depends(rate_limited), Depends(login_limited)])
    app.include_router(api_routes.router)
    app.include_router(health.router)
    for web_router in WEB_ROUTERS:
        app.include_router(web_router)
    add_cors(app, settings)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.hsts)
    app.add_middleware(BodyLimits, settings=settings)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)  # outermost: every log line has the request id
    return app
