"""JSON log lines carrying the request id, with personal data and secrets redacted.

- ``RequestIdMiddleware`` (pure ASGI) takes a well-formed incoming ``X-Request-ID`` or makes
  one, keeps it in a contextvar for the duration of the request (thread-pool work and tasks
  started from the request inherit it) and returns it as ``X-Request-ID``.
- ``JsonFormatter``: one JSON object per line (timestamp, level, logger, message, request_id,
  then any ``extra=`` fields).
- ``RedactingFilter`` rewrites the message, string extras and the traceback before any
  handler sees them: emails, phone numbers, card numbers, IBANs, bearer tokens, JWTs and
  API keys/secrets.

``configure_logging`` installs both on the root logger. Run uvicorn with ``log_config=None``
so its own loggers go through them too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else came from ``extra=``.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime"}
)


def current_request_id() -> str | None:
    return request_id_var.get()


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id")
        # An id from outside is only trusted when it cannot smuggle anything into logs/headers.
        request_id = incoming if incoming and REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[CARD]" if _luhn_ok(digits) else match.group()


# Order matters: tokens and keys before the generic number patterns that could eat parts of them.
_SECRET_NAMES = r"x-api-key|api[_-]?key|apikey|access[_-]?token|token|secret|password|passwd"
_PATTERNS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [REDACTED]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[JWT]"),
    (
        re.compile(rf"(?i)\b({_SECRET_NAMES})(\"?'?\s*[:=]\s*[\"']?)([^\s\"',;&]+)"),
        r"\1\2[REDACTED]",
    ),
    # Provider key formats: OpenAI/Groq/Langfuse-style "sk-...", "gsk_...", "pk-lf-...".
    (re.compile(r"\b(?:sk|pk|gsk|rk)[-_][A-Za-z0-9_-]{16,}"), "[API_KEY]"),
    (re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"), "[EMAIL]"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"), "[IBAN]"),
    (re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), _card),
    (re.compile(r"(?<![\w+])\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}(?!\w)"), "[PHONE]"),
    (re.compile(r"(?<!\w)\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\w)"), "[PHONE]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Redacts in place, so every handler (and every formatter) gets the redacted record.

    ``secrets`` (the configured API keys, JWT secret, provider keys) are removed wherever they
    appear, even without a telltale ``key=`` or known prefix around them.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return redact(text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = self._redact(message), None
        for key, value in vars(record).items():
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self._redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


def configure_logging(
    level: int | str = logging.INFO, stream: TextIO | None = None, secrets: Iterable[str] = ()
) -> None:
    """JSON lines with redaction on the root logger, replacing its handlers.

    Pass the configured secrets, e.g. ``(*settings.api_keys, settings.jwt_secret, ...)``.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    # On the handler, not a logger: handler filters also see records propagated from children.
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
