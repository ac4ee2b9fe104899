"""The published OpenAPI schema lists the error responses LangServe's routes really give.

FastAPI routes declare theirs (``responses=error_responses(...)`` on the router or the route);
LangServe's ``add_routes`` takes no ``responses``, so its operations under ``/rag/`` get theirs
here: every one needs credentials (401), and the POSTs can be too large (413), invalid with a
string or a list detail (422), rate-limited (429) and refused while the session store is down
(503).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from server.errors import REASONS

LANGSERVE_PREFIX = "/rag/"
_ERRORS_BY_METHOD = {"get": (401,), "post": (401, 413, 422, 429, 503)}


def _response(code: int) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ErrorResponse"}
    return {"description": REASONS[code], "content": {"application/json": {"schema": schema}}}


def document_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` list LangServe's error responses too."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            for path, operations in schema["paths"].items():
                if not path.startswith(LANGSERVE_PREFIX):
                    continue
                for method, operation in operations.items():
                    responses = operation.setdefault("responses", {})
                    responses.update({str(c): _response(c) for c in _ERRORS_BY_METHOD[method]})
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
