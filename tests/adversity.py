"""What the adversity tests share: the real service under uvicorn on 127.0.0.1, and asking it.

Each test starts the servers it breaks (Redis, PostgreSQL, Chroma, the Groq stub) itself, runs
the service against them, injects its fault and fills in its row of the Reliability table
(``tests.reliability``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from core.settings import Settings
from graph.services import Services
from server.app import create_app
from tests.servers import serving

KEY = "adversity-key-0123456789abcdef"
HEADERS = {"X-API-Key": KEY}

FEEDBACK = "(feedback)"

# Questions the sample corpus answers; a conversation asks them in turn (follow-ups after the
# first, so the rewrite runs too).
QUESTIONS = (
    "When does my Kubernetes certification expire?",
    "What grade did I get in Operating Systems?",
    "Where did I do my master's degree?",
    "What is my current job title?",
    "Which certificate did Red Hat issue?",
    "What is my cumulative GPA?",
)


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


def wait_ready(http: httpx.Client, within_s: float) -> float:
    """Seconds until ``/health/ready`` says 200 (fails after ``within_s``)."""
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        try:
            if http.get("/health/ready").status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.2)
    raise AssertionError(f"not ready within {within_s:g} s")


def warm(http: httpx.Client) -> None:
    """One question first: the first request loads the models, which on a busy 2-core machine
    takes seconds that would otherwise count against a fault's time bounds."""
    response = ask(http, QUESTIONS[0], f"warm-{time.monotonic_ns()}")
    assert response.status_code == 200, response.text


def timed(call: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - started


def unavailable(response: httpx.Response) -> bool:
    """The documented refusal of a request whose dependency is down."""
    return response.status_code == 503 and int(response.headers.get("Retry-After", "0")) > 0


@dataclass(frozen=True)
class Turn:
    """One request sent during a run of conversations, and what came back."""

    session: str
    question: str  # FEEDBACK for the score that ends a conversation
    started: float  # time.monotonic()
    seconds: float
    status: int | None  # None: no response at all (refused, reset, timed out)
    error: str = ""  # the exception's type when there was no response
    outcome: str = ""  # the Answer's outcome for a 200
    retry_after: int = 0

    @property
    def answered(self) -> bool:
        return self.status == 200 and self.outcome in ("answered", "no_answer")

    @property
    def ok(self) -> bool:
        """Answered, or (feedback) stored."""
        return self.answered or (self.question == FEEDBACK and self.status == 201)

    @property
    def refused(self) -> bool:
        """Refused as documented for a dependency that is down."""
        return self.status == 503 and self.retry_after > 0


async def _send(
    client: httpx.AsyncClient, session: str, text: str, path: str, body: dict[str, Any]
) -> Turn:
    started = time.monotonic()
    try:
        response = await client.post(path, json=body)
    except httpx.HTTPError as exc:
        await asyncio.sleep(0.2)  # the server is gone: don't spin
        return Turn(session, text, started, time.monotonic() - started, None, type(exc).__name__)
    if response.status_code == 503:
        await asyncio.sleep(0.2)
    return Turn(
        session,
        text,
        started,
        time.monotonic() - started,
        response.status_code,
        outcome=answer_of(response).get("outcome", "") if path == "/rag/invoke" else "",
        retry_after=int(response.headers.get("Retry-After", "0")),
    )


async def _converse(
    client: httpx.AsyncClient,
    worker: int,
    deadline: float,
    turns: int,
    feedback: bool,
    out: list[Turn],
) -> None:
    conversation = 0
    while time.monotonic() < deadline:
        conversation += 1
        session = f"w{worker}-c{conversation}-{time.monotonic_ns()}"
        for n in range(turns):
            if time.monotonic() >= deadline:
                return
            text = QUESTIONS[(worker + n) % len(QUESTIONS)]
            if n == 0:  # a first question of its own: no conversation is a cache hit
                text = f"{text} (conversation {session})"
            out.append(await _send(client, session, text, "/rag/invoke", question(text, session)))
        if feedback and time.monotonic() < deadline:
            body = {"session_id": session, "score": 1, "comment": "helpful"}
            out.append(await _send(client, session, FEEDBACK, "/feedback", body))


def converse(
    base: str,
    workers: int,
    seconds: float,
    *,
    turns: int = 5,
    feedback: bool = False,
    timeout_s: float = 60,
) -> list[Turn]:
    """``workers`` clients, each holding conversations of ``turns`` questions (then, with
    ``feedback``, a score for the conversation; then a new session) against the service at
    ``base`` for ``seconds``; every request sent, in order.

    Runs its own event loop: call it from a thread to inject faults meanwhile."""
    out: list[Turn] = []

    async def run() -> None:
        deadline = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
        async with httpx.AsyncClient(
            base_url=base, headers=HEADERS, timeout=timeout_s, limits=limits
        ) as client:
            await asyncio.gather(
                *(_converse(client, w, deadline, turns, feedback, out) for w in range(workers))
            )

    asyncio.run(run())
    return out
