"""Request body size limits (ASGI middleware): small JSON bodies, uploads up to one file."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import Settings


class _BodyTooLargeError(Exception):
    pass


class BodySizeLimitMiddleware:
    """413 for a request body over ``max_bytes``, declared (Content-Length) or streamed (chunked).

    A declared size over the limit is refused before reading anything. Otherwise bytes are
    counted as the app reads them; the read that crosses the limit fails and nothing after it
    is read, so a huge body is never held in memory. Whatever the app does with that failure
    (FastAPI turns it into a 400) is replaced by the 413, as long as no response has started.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send)
            return

        received = 0
        too_large = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if too_large and not response_started:
                return  # the app's reaction to the failed read; the 413 below replaces it
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large or response_started:
                raise
        if too_large:
            if response_started:
                # Too late for a 413: failing makes the server drop the connection.
                raise _BodyTooLargeError
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body too large: the limit is {self.max_bytes} bytes"
        # Connection: close, because the unread rest of the body cannot be skipped cheaply.
        response = JSONResponse(
            {"detail": detail}, status_code=413, headers={"Connection": "close"}
        )
        await response(scope, receive, send)


UPLOAD_PATHS = ("/ingest",)


class BodyLimits:
    """Small JSON bodies everywhere; uploads may be as large as one ingestible file."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.default = BodySizeLimitMiddleware(app, settings.max_body_bytes)
        self.uploads = BodySizeLimitMiddleware(app, settings.max_file_bytes * 4)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and scope["path"] in UPLOAD_PATHS
        await (self.uploads if upload else self.default)(scope, receive, send)
