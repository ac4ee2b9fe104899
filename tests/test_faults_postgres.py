"""PostgreSQL (users and feedback) stopped and restarted under the real service.

While it is down, feedback and logins are refused with 503 + Retry-After within the database
timeout (never a 500, never a silent drop: a 201 means stored), and questions are still
answered. After the restart the pool reconnects by itself, and every feedback acknowledged
before, during and after the outage is in the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from core.settings import Settings
from server.db import TIMEOUT_S, PostgresDatabase
from server.feedback import FeedbackStore
from server.migrations import migrate
from server.users import UserStore
from tests.adversity import (
    QUESTIONS,
    answer_of,
    ask,
    service,
    service_settings,
    timed,
    unavailable,
    warm,
)
from tests.answering import fake_services
from tests.fakes import queued
from tests.groq_stub import ANSWER
from tests.pg import PostgresServer
from tests.reliability import Row

pytestmark = pytest.mark.adversity

SECRET = "adversity-secret-" + "x" * 40
PASSWORD = "correct horse battery"
REFUSAL_BOUND_S = TIMEOUT_S + 3.0
DOWN_S = 6.0


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    """A server of its own: this test stops it, which others sharing one must not see."""
    server = PostgresServer().start()
    yield server
    server.remove()


def login(http: httpx.Client) -> httpx.Response:
    return http.post("/auth/token", data={"username": "alice", "password": PASSWORD})


def test_postgres_down_refuses_feedback_and_logins_then_keeps_every_acknowledged_one(
    sample_settings: Settings, postgres: PostgresServer, reliability: Row
) -> None:
    reliability.injected = f"PostgreSQL stopped for {DOWN_S:g} s under a stream of feedback"
    url = postgres.create_database()
    db = PostgresDatabase(url)
    migrate(db)
    UserStore(db).create("alice", PASSWORD)
    settings = service_settings(sample_settings, database_url=url, jwt_secret=SECRET)
    stored: list[int] = []  # ids of acknowledged (201) feedback
    outcomes: list[tuple[float, float, httpx.Response]] = []

    def send_feedback(http: httpx.Client, until: float) -> None:
        n = 0
        while time.monotonic() < until:
            n += 1
            body = {"session_id": f"fb-{n}", "score": n % 2, "comment": f"feedback {n}"}
            started = time.monotonic()
            response = http.post("/feedback", json=body)
            outcomes.append((started, time.monotonic() - started, response))
            if response.status_code == 201:
                stored.append(response.json()["id"])
            else:
                time.sleep(0.2)

    with service(settings, fake_services(settings, queued(*[ANSWER] * 50))) as http:
        warm(http)
        assert login(http).status_code == 200
        sender = threading.Thread(target=send_feedback, args=(http, time.monotonic() + 14.0))
        sender.start()
        time.sleep(3.0)
        stopping = time.monotonic()
        postgres.stop()
        stopped = time.monotonic()
        time.sleep(1.0)
        refused_login, took = timed(login, http)
        assert unavailable(refused_login) and took < REFUSAL_BOUND_S, refused_login.text
        answered = ask(http, QUESTIONS[1], "pg-down")  # answering needs no database
        assert answer_of(answered).get("outcome") == "answered", answered.text
        assert http.get("/health/ready").status_code == 200
        time.sleep(max(0.0, DOWN_S - (time.monotonic() - stopped)))
        restarting = time.monotonic()
        postgres.start()
        sender.join()
        back = next(
            (s - restarting for s, _, r in outcomes if s > restarting and r.status_code == 201),
            None,
        )
        assert login(http).status_code == 200
        reliability.requests += 4
        reliability.degraded += 1

    reliability.requests += len(outcomes)
    refused = [(s, t, r) for s, t, r in outcomes if unavailable(r) and t < REFUSAL_BOUND_S]
    bad = [
        (s - stopped, t, r.status_code)
        for s, t, r in outcomes
        if r.status_code != 201 and (s, t, r) not in refused
    ]
    reliability.degraded += len(refused)
    reliability.errors += len(bad)
    assert bad == []
    # Refused only while it was down (or going down: a request in flight as it stopped).
    assert refused and all(stopping - 0.5 <= s < restarting + 1.0 for s, _, _ in refused)
    assert back is not None, "no feedback stored after the restart"

    store = FeedbackStore(PostgresDatabase(url))
    reliability.lost = sum(store.get(i) is None for i in stored)
    assert reliability.lost == 0
    reliability.notes = (
        f"{len(stored)} feedback acknowledged, all stored; refusals took at most "
        f"{max(t for _, t, _ in refused):.1f} s; feedback stored again {back:.1f} s after the "
        "restart"
    )
