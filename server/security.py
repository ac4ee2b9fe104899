"""Browser-facing hardening: security headers on every response, and CORS for listed origins.

API responses are JSON and never need to load anything, so their Content-Security-Policy allows
nothing. Only the HTML pages get a policy that lets them work:

- The web app (``/`` and ``/admin``): same-origin scripts, styles and requests, nothing inline,
  so an injected ``<script>`` or ``style=`` attribute does not run.

- ``/docs`` (Swagger UI) and ``/redoc``: FastAPI's pages load their scripts and styles from
  cdn.jsdelivr.net, the favicon from fastapi.tiangolo.com, ReDoc its fonts from Google Fonts
  and a blob: worker; both run an inline bootstrap script. Serve the assets yourself
  (FastAPI's "self-hosting" recipe) to drop the CDNs.
- The LangServe playground (``/rag/playground/...``, ``/rag/c/<config>/playground/...`` for
  each path given to ``add_routes``): same-origin assets, an inline script that
  injects the schemas, and 'unsafe-eval' because its JSON-schema forms compile validators
  with ``new Function``.

``/openapi.json`` keeps the strict policy: a JSON document is fetched, never rendered, so a
policy on it changes nothing for the docs pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import Settings

API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.jsdelivr.net; "
    "worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
PLAYGROUND_CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# The web app's pages (server.web): its own scripts and styles only, no inline code of any kind;
# blob: images for the eval chart, fetched with credentials and shown from memory.
WEB_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"

DOCS_PATHS = ("/docs", "/redoc")
WEB_PAGES = ("/", "/admin")
CORS_METHODS = ("GET", "POST", "DELETE", "OPTIONS")
CORS_HEADERS = ("Content-Type", "X-API-Key", "Authorization", "X-Request-ID")
CORS_EXPOSED = ("X-Request-ID", "Retry-After")


def playground_pattern(langserve_paths: Sequence[str]) -> re.Pattern[str]:
    """Playground URLs of LangServe ``add_routes`` paths: ``<path>[/c/<config>]/playground/``."""
    bases = "|".join(re.escape(p.rstrip("/")) for p in langserve_paths)
    return re.compile(rf"^(?:{bases})(?:/c/[^/]+)?/playground(?:/|$)")


def content_security_policy(path: str, playground: re.Pattern[str]) -> str:
    if any(path == p or path.startswith(p + "/") for p in DOCS_PATHS):
        return DOCS_CSP
    if playground.match(path):
        return PLAYGROUND_CSP
    if path in WEB_PAGES:
        return WEB_CSP
    return API_CSP


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP response; a header the app set itself is kept."""

    def __init__(
        self, app: ASGIApp, *, hsts: bool, langserve_paths: Sequence[str] = ("/rag",)
    ) -> None:
        self.app = app
        self.headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        }
        if hsts:
            self.headers["Strict-Transport-Security"] = HSTS
        self.playground = playground_pattern(langserve_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = content_security_policy(scope["path"], self.playground)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", csp)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_cors(app: Starlette, settings: Settings) -> None:
    """CORS for ``settings.cors_origins`` only; without origins, browsers keep same-origin.

    Credentials mode stays off: clients authenticate with headers (X-API-Key, Authorization),
    which CORS allows via ``allow_headers``; cookies are never used.
    """
    if not settings.cors_origins:
        return
    if "*" in settings.cors_origins:
        raise ValueError("RAG_CORS_ORIGINS must list origins explicitly, not '*'")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=list(CORS_METHODS),
        allow_headers=list(CORS_HEADERS),
        expose_headers=list(CORS_EXPOSED),
        allow_credentials=False,
        max_age=600,
    )
