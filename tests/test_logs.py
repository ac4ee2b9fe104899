"""Request ids through a real app, JSON log lines, and redaction of personal data and secrets."""

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from observability.logs import (
    JsonFormatter,
    RedactingFilter,
    RequestIdMiddleware,
    configure_logging,
    current_request_id,
    redact,
)


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing JSON lines through the redacting filter into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test.server.logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, buffer
    logger.removeHandler(handler)


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def make_app(logger: logging.Logger) -> FastAPI:
    app = FastAPI()

    @app.get("/sync")
    def sync_route() -> dict[str, str | None]:  # runs on the thread pool
        logger.info("answering", extra={"route": "sync"})
        return {"request_id": current_request_id()}

    @app.get("/async")
    async def async_route() -> dict[str, str | None]:
        return {"request_id": current_request_id()}

    app.add_middleware(RequestIdMiddleware)
    return app


def test_a_valid_request_id_is_kept_and_returned(json_log: Any) -> None:
    logger, buffer = json_log
    client = TestClient(make_app(logger))
    response = client.get("/sync", headers={"X-Request-ID": "req-2024.01_abc"})
    assert response.headers["X-Request-ID"] == "req-2024.01_abc"
    assert response.json() == {"request_id": "req-2024.01_abc"}
    [line] = lines(buffer)
    assert line["request_id"] == "req-2024.01_abc"
    assert (line["message"], line["route"], line["level"]) == ("answering", "sync", "INFO")
    assert line["logger"] == "test.server.logging" and line["timestamp"].endswith("+00:00")
    assert current_request_id() is None  # nothing leaks out of the request


@pytest.mark.parametrize(
    "incoming", [None, b"", b"has space", b"x" * 65, b"tab\tinside", b"<script>", "ünï".encode()]
)
def test_a_missing_or_unsafe_request_id_is_replaced(json_log: Any, incoming: bytes | None) -> None:
    client = TestClient(make_app(json_log[0]))
    headers = {} if incoming is None else {b"X-Request-ID": incoming}
    response = client.get("/async", headers=headers)
    generated = response.headers["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()
    assert response.json() == {"request_id": generated}
    other = client.get("/async", headers=headers).headers["X-Request-ID"]
    assert other != generated  # one per request


def test_personal_data_and_secrets_are_redacted(json_log: Any) -> None:
    logger, buffer = json_log
    key = "rag-0123456789abcdefghij"
    logger.info(
        "question from %s with X-API-Key: %s and Authorization: Bearer %s",
        "jane.doe@example.com",
        key,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl",
        extra={"contact": "call +49 30 1234 5678 or (555) 123-4567"},
    )
    [line] = lines(buffer)
    message = line["message"]
    assert "jane.doe" not in message and "[EMAIL]" in message
    assert key not in message and "X-API-Key: [REDACTED]" in message
    assert "eyJ" not in message and "Bearer [REDACTED]" in message
    assert line["contact"] == "call [PHONE] or [PHONE]"


def test_exception_text_is_redacted(json_log: Any) -> None:
    logger, buffer = json_log
    try:
        raise ValueError("no account for bob@example.org")
    except ValueError:
        logger.exception("lookup failed")
    [line] = lines(buffer)
    assert "bob@example.org" not in line["exception"]
    assert "ValueError: no account for [EMAIL]" in line["exception"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 declined", "card [CARD] declined"),
        ("card 4111-1111-1111-1111", "card [CARD]"),
        ("IBAN DE89 3704 0044 0532 0130 00 ok", "IBAN [IBAN] ok"),
        ("iban GB82WEST12345698765432", "iban [IBAN]"),
        ("groq key gsk_abcdefghijklmnopqrstuvwx", "groq key [API_KEY]"),
        ("api_key=abc123def456 next", "api_key=[REDACTED] next"),
        ('{"password": "hunter2hunter2"}', '{"password": "[REDACTED]"}'),
    ],
)
def test_redaction_patterns(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "certification expires on 2027-08-14 at 10:30",
        "request 550e8400-e29b-41d4-a716-446655440000 took 1234 ms",
        "session 5f0c6d2e8c1b4a559d7e2b1f, chunk 1234567890123",  # 13 digits, not a card (Luhn)
        "version 3.11.9, port 8000, 42 chunks",
    ],
)
def test_ordinary_log_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_configure_logging_installs_json_and_redaction() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    secret = "plainlookingkey42"  # no telltale prefix or "key=": only known secrets catch it
    try:
        configure_logging("INFO", stream=buffer, secrets=[secret, ""])
        logging.getLogger("server.anything").warning("mail a@b.io, using %s", secret)
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    [line] = lines(buffer)
    assert (line["message"], line["logger"], line["level"]) == (
        "mail [EMAIL], using [REDACTED]",
        "server.anything",
        "WARNING",
    )
