"""Redis (sessions, answer cache, rate limits) killed, restarted and hung under the real service.

While the session store is down or hung, questions are refused with 503 + Retry-After (never
answered without their history, never a 500, never a hang) and ``/health/ready`` says so; search
and feedback go on. After a SIGKILL and a restart from the AOF, every turn that was acknowledged
is in its session, and the service answers again without a restart of its own.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from core.settings import Settings
from graph.answerer import open_answerer
from graph.sessions import STORE_TIMEOUT_S
from tests.adversity import (
    QUESTIONS,
    Turn,
    ask,
    converse,
    question,
    service,
    service_settings,
    timed,
    unavailable,
    wait_ready,
    warm,
)
from tests.answering import fake_services
from tests.fakes import queued
from tests.reliability import Row
from tests.servers import RedisServer

pytestmark = pytest.mark.adversity

WORKERS = 8
# A refusal comes within two store timeouts (reading a session may try a second lookup when the
# first fails) plus the service's own work on 2 shared cores.
REFUSAL_BOUND_S = 2 * STORE_TIMEOUT_S + 3.0
# A turn already in the graph when Redis hangs has checkpoint writes pending, each waiting out
# its timeout in turn: it still ends (with a 503), only later.
IN_FLIGHT_BOUND_S = 8 * STORE_TIMEOUT_S


def settings_for(sample: Settings, redis: RedisServer) -> Settings:
    return service_settings(sample, redis_url=redis.url)


def answers(n: int) -> Any:
    return queued(*["Your CKA expires on 2027-08-14 [1]."] * n)


def stored_questions(settings: Settings, session: str) -> list[str]:
    """The session's questions as a new process would read them from the store."""

    async def read() -> list[str]:
        async with open_answerer(settings, fake_services(settings, queued())) as answerer:
            state = await answerer.state(session)
        return [str(m.content) for m in state.get("messages", []) if m.type == "human"]

    return asyncio.run(read())


def in_background(base: str, seconds: float, turns: list[Turn]) -> threading.Thread:
    def run() -> None:
        turns.extend(converse(base, WORKERS, seconds))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def tally(row: Row, turns: list[Turn], fault: float) -> list[Turn]:
    """Counts the run into the row; returns the turns that were neither answered nor refused
    as documented, in time (the turns in flight when the fault began get longer)."""

    def bound(turn: Turn) -> float:
        return IN_FLIGHT_BOUND_S if turn.started < fault else REFUSAL_BOUND_S

    bad = [t for t in turns if not (t.answered or (t.refused and t.seconds < bound(t)))]
    row.requests += len(turns)
    row.degraded += sum(t.refused for t in turns)
    row.errors += len(bad)
    return bad


def test_redis_killed_mid_conversation_refuses_then_recovers_with_every_turn_kept(
    sample_settings: Settings, redis_server: RedisServer, reliability: Row
) -> None:
    reliability.injected = "Redis SIGKILL under 8 conversations, down 4 s, restart from AOF"
    settings = settings_for(sample_settings, redis_server)
    with service(settings, fake_services(settings, answers(5000))) as http:
        warm(http)
        turns: list[Turn] = []
        load = in_background(str(http.base_url), 14.0, turns)
        time.sleep(5.0)  # conversations under way
        redis_server.kill()
        killed = time.monotonic()
        time.sleep(1.0)
        ready = http.get("/health/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["sessions"] is False
        search = http.post("/retrieve", json={"query": "kubernetes certification expiry"})
        assert search.status_code == 200 and search.json()["results"]  # no sessions needed
        feedback = http.post("/feedback", json={"session_id": "w0", "score": 1})
        assert feedback.status_code == 201  # SQLite here: not a Redis dependency
        stream = http.post("/rag/stream", json=question(QUESTIONS[0], "w0-stream"))
        assert unavailable(stream), stream.text  # a 503 before the stream starts, not inside it
        reliability.requests += 4
        reliability.degraded += 1
        time.sleep(3.0)
        restarting = time.monotonic()
        redis_server.start()  # same port and folder: the AOF is replayed
        restarted = time.monotonic()
        back = wait_ready(http, 20.0)
        load.join()

    during = [t for t in turns if killed + 0.5 <= t.started < restarting]
    assert during and not any(t.answered for t in during), [
        (t, t.started - killed) for t in during if t.answered
    ]
    bad = tally(reliability, turns, killed)
    assert bad == [], bad[:5]
    after = [t for t in turns if t.started > restarted + back]
    assert after and all(t.answered for t in after)  # recovered without a service restart

    acknowledged: dict[str, list[str]] = {}
    for t in sorted(turns, key=lambda t: t.started):
        if t.answered:
            acknowledged.setdefault(t.session, []).append(t.question)
    lost = 0
    for session, questions in acknowledged.items():
        stored = iter(stored_questions(settings, session))
        # Every acknowledged question, in order (a refused one may have been stored too).
        lost += sum(q not in stored for q in questions)
    reliability.lost = lost
    assert lost == 0
    reliability.notes = (
        f"{sum(t.answered for t in turns)} turns acknowledged in {len(acknowledged)} sessions, "
        f"all kept; ready {back:.1f} s after the restart"
    )


def test_a_hung_redis_is_a_quick_503_not_a_hang_and_recovers(
    sample_settings: Settings, redis_server: RedisServer, reliability: Row
) -> None:
    reliability.injected = "Redis SIGSTOP (port open, no replies) for 10 s, then SIGCONT"
    settings = settings_for(sample_settings, redis_server)
    with service(settings, fake_services(settings, answers(5000))) as http:
        warm(http)
        turns: list[Turn] = []
        load = in_background(str(http.base_url), 18.0, turns)
        time.sleep(3.0)
        redis_server.pause()
        hung = time.monotonic()
        time.sleep(1.0)
        ready, took = timed(http.get, "/health/ready")
        assert ready.status_code == 503 and took < 3.0  # its own 1 s check, not a hang
        # A new question during the hang, whether or not the conversations (all of them may be
        # caught mid-graph) start one: refused quickly.
        fresh, fresh_took = timed(ask, http, QUESTIONS[0], "hung-fresh")
        assert unavailable(fresh) and fresh_took < REFUSAL_BOUND_S, (fresh.text, fresh_took)
        time.sleep(8.0)
        redis_server.resume()
        resumed = time.monotonic()
        back = wait_ready(http, 20.0)
        load.join()
        reliability.requests += 1

    during = [t for t in turns if hung + 0.5 < t.started < resumed - REFUSAL_BOUND_S]
    assert all(unavailable_turn(t) for t in during)
    bad = tally(reliability, turns, hung)
    assert bad == [], bad[:5]
    after = [t for t in turns if t.started > resumed + back]
    assert after and all(t.answered for t in after)
    in_flight = [t for t in turns if t.started < hung < t.started + t.seconds]
    refused_within = max([fresh_took, *(t.seconds for t in during)])
    reliability.notes = (
        f"new questions refused within {refused_within:.1f} s, those in "
        f"flight at the hang within {max(t.seconds for t in in_flight):.1f} s "
        f"(store timeout {STORE_TIMEOUT_S:g} s)"
    )


def unavailable_turn(turn: Turn) -> bool:
    return turn.refused and turn.seconds < REFUSAL_BOUND_S
