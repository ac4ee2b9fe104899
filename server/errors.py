"""Error responses: one shape for every 4xx and 503.

Every refusal is ``{"detail": "<what is wrong>"}``, or, for a body that fails validation,
``{"detail": [{"type", "loc", "msg"}, ...]}``. Codes only one route answers (404, 415, 503) are
declared on that route with ``error_responses``; ``server.openapi`` documents the common ones.

A dependency that is down (the session store, the database) is a 503 with ``Retry-After``: the
request did nothing, and the same request can be sent again once the dependency is back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.requests import Request

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5  # a restarted Redis or PostgreSQL answers again within seconds

REASONS = {
    401: "Missing or invalid credentials.",
    403: "The admin role is required.",
    404: "Not available on this server.",
    413: "Request body too large.",
    415: "Unsupported file type.",
    422: "The request is invalid; the detail says how.",
    429: "Rate limit exceeded; retry after Retry-After seconds.",
    503: "A dependency is unavailable; retry after Retry-After seconds.",
    507: "The server's data folder is full; nothing was changed.",
}


class ErrorItem(BaseModel):
    type: str
    loc: list[str | int]
    msg: str


class ErrorResponse(BaseModel):
    detail: str | list[ErrorItem]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that answers these codes besides the common ones."""
    return {code: {"model": ErrorResponse, "description": REASONS[code]} for code in codes}


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's shape, minus the echoed input (it may be a 30 KB attack string) and the
    exception objects in ctx. LangServe raises it with plain strings ("Invalid JSON body")."""
    errors = [
        {k: e[k] for k in ("type", "loc", "msg") if k in e}
        if isinstance(e, dict)
        else {"type": "invalid", "loc": ["body"], "msg": str(e)}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)


def dependency_unavailable(what: str) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    """An exception handler answering 503 + Retry-After that names ``what`` is down; the
    exception's own text (hosts, ports, driver messages) goes to the log only."""

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        log.warning("%s unavailable for %s %s: %s", what, request.method, request.url.path, exc)
        return JSONResponse(
            {"detail": f"the {what} is unavailable; retry in {RETRY_AFTER_S} s"},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    return handler


async def storage_full(request: Request, exc: Exception) -> JSONResponse:
    """507 for an ingest the disk has no room for (the path stays in the log, not the reply)."""
    log.error("%s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        {"detail": "the server's data folder is full: nothing was ingested; free space first"},
        status_code=507,
    )
