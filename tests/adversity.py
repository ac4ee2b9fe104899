"""What the adversity tests share: the real service under uvicorn on 127.0.0.1, and asking it.

Each test starts the servers it breaks (Redis, PostgreSQL, Chroma, the Groq stub) itself, runs
the service against them, injects its fault and fills in its row of the Reliability table
(``tests.reliability``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from core.settings import Settings
from graph.services import Services
from server.app import create_app
from tests.servers import serving

KEY = "adversity-key-0123456789abcdef"
HEADERS = {"X-API-Key": KEY}


def service_settings(sample: Settings, **overrides: Any) -> Settings:
    """The service over the sample corpus, with an API key and room for every test's requests."""
    values: dict[str, Any] = {
        "data_dir": sample.data_dir,
        "api_keys": (KEY,),
        "session_requests_per_minute": 1000,
        "ip_requests_per_minute": 10_000,
        "max_sessions_per_ip": 10_000,
    }
    return Settings.from_env({}, **(values | overrides))


@contextmanager
def service(settings: Settings, services: Services | None = None) -> Iterator[httpx.Client]:
    """The real app under uvicorn, and an HTTP client for it (API key set, bounded timeout)."""
    app = create_app(settings, services)
    with (
        serving(app) as base,
        httpx.Client(base_url=base, headers=HEADERS, timeout=60) as http,
    ):
        yield http


def question(text: str, session: str) -> dict[str, Any]:
    return {"input": {"question": text}, "config": {"configurable": {"thread_id": session}}}


def ask(http: httpx.Client, text: str, session: str) -> httpx.Response:
    return http.post("/rag/invoke", json=question(text, session))


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """The ``Answer`` of a ``/rag/invoke`` response, or ``{}`` when there is none."""
    if response.status_code != 200:
        return {}
    output: dict[str, Any] = response.json()["output"]
    return output


def timed(call: Any, *args: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call(*args)
    return result, time.monotonic() - started


def unavailable(response: httpx.Response) -> bool:
    """The documented refusal of a request whose dependency is down."""
    return response.status_code == 503 and int(response.headers.get("Retry-After", "0")) > 0
