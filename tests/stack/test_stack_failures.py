"""Crashes under the real restart policy: an API replica during load, Redis, PostgreSQL."""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.stack.harness import Stack, ask, run, wait_for

pytestmark = pytest.mark.stack

CLIENTS = 20
LOAD_S = 30
KILL_AT_S = 8
HANDOFF_S = 0.5
QUESTIONS = (
    "When does my Kubernetes certification expire?",
    "What grade did I get in Databases?",
    "Where did I work before?",
)


@dataclass
class Outcome:
    started: float
    ended: float
    ok: bool
    detail: str


def load(stack: Stack, client_id: int, stop_at: float, outcomes: list[Outcome]) -> None:
    """One client: cached answers and /retrieve in turn, one request in flight at a time."""
    with stack.client(timeout=30) as client:
        n = 0
        while time.monotonic() < stop_at:
            question = QUESTIONS[(client_id + n) % len(QUESTIONS)]
            started = time.monotonic()
            try:
                if n % 2:
                    response = client.post("/retrieve", json={"query": question, "k": 3})
                else:
                    response = client.post("/rag/invoke", json=ask(question, f"load-{n % 3}"))
                ok, detail = response.status_code == 200, str(response.status_code)
            except httpx.HTTPError as exc:
                ok, detail = False, type(exc).__name__
            outcomes.append(Outcome(started, time.monotonic(), ok, detail))
            n += 1


def replica_requests(stack: Stack, service: str) -> int:
    """/retrieve requests this replica has served since it (re)started, from its own /metrics."""
    status, text = stack.direct(service, "GET", "/metrics")
    assert status == 200
    counts = re.findall(r'rag_http_requests_total\{[^}]*route="/retrieve"[^}]*\} ([0-9.e+]+)', text)
    return int(sum(float(c) for c in counts))


def test_killing_a_replica_under_load_fails_only_its_in_flight_requests(stack: Stack) -> None:
    with stack.client() as client:  # warm the answer cache on both replicas' shared Redis
        for question in QUESTIONS:
            for n in range(3):
                client.post("/rag/invoke", json=ask(question, f"load-{n}")).raise_for_status()
    restarts = int(stack.inspect("api-1")["RestartCount"])
    outcomes: list[Outcome] = []
    start = time.monotonic()
    threads = [
        threading.Thread(target=load, args=(stack, i, start + LOAD_S, outcomes))
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(KILL_AT_S)
    killed_at = stack.crash("api-1")
    for thread in threads:
        thread.join(timeout=LOAD_S + 60)

    failures = [o for o in outcomes if not o.ok]
    # In flight at the kill: sent before it and answered after it. Caddy hands a request to a
    # replica a moment after the client sends it, so "before" allows HANDOFF_S; every client has
    # at most one request in flight, and about half of them are on the killed replica.
    in_flight = [o for o in failures if o.started <= killed_at + HANDOFF_S <= o.ended + HANDOFF_S]
    summary = (
        f"{len(outcomes)} requests, {len(failures)} failed "
        f"{[(o.detail, round(o.started - killed_at, 2)) for o in failures]}"
    )
    print(summary)
    assert len(outcomes) > CLIENTS * 10, summary  # the load really ran
    assert failures == in_flight, summary  # nothing failed but what was in flight at the kill
    assert len(failures) <= CLIENTS, summary

    wait_for("api-1 restarted", lambda: stack.restarted("api-1", restarts), timeout=60)
    wait_for("api-1 live", lambda: stack.live("api-1"), timeout=120)
    stack.settle()
    with stack.client() as client:

        def rejoined() -> bool:
            for _ in range(10):
                client.post("/retrieve", json={"query": QUESTIONS[0], "k": 3}).raise_for_status()
            return replica_requests(stack, "api-1") > 0

        wait_for("api-1 serving through Caddy again", rejoined, timeout=120, every=2)


def test_a_redis_crash_loses_no_session(stack: Stack) -> None:
    session = f"redis-{uuid.uuid4().hex[:8]}"
    with stack.client() as client:
        for question in QUESTIONS[:2]:
            client.post("/rag/invoke", json=ask(question, session)).raise_for_status()
    assert len(stack.history("api-1", session)) == 4
    time.sleep(1.5)  # appendfsync everysec: what is older than a second is on disk
    restarts = int(stack.inspect("redis")["RestartCount"])
    stack.crash("redis")
    wait_for("redis restarted", lambda: stack.restarted("redis", restarts), timeout=60)
    stack.settle()
    wait_for("session readable", lambda: stack.history("api-2", session), timeout=60)
    assert len(stack.history("api-2", session)) == 4
    with stack.client() as client:

        def third_turn() -> bool:
            response = client.post("/rag/invoke", json=ask(QUESTIONS[2], session))
            return response.status_code == 200

        wait_for("a turn after the crash", third_turn, timeout=60, every=2)
    assert len(stack.history("api-1", session)) == 6


def test_feedback_survives_a_postgres_restart(stack: Stack) -> None:
    comment = f"helpful-{uuid.uuid4().hex[:8]}"
    with stack.client() as client:
        response = client.post(
            "/feedback", json={"session_id": "pg-1", "score": 1, "comment": comment}
        )
        assert response.status_code == 201, response.text
    run(["podman", "restart", "-t", "30", stack.container("postgres")], timeout=90)
    stack.settle()
    query = f"SELECT count(*) FROM feedback WHERE comment = '{comment}'"
    psql = (
        "PGPASSWORD=$(cat /run/secrets/postgres_password) "
        f'psql -h 127.0.0.1 -U rag -d rag -tAc "{query}"'
    )
    stored = wait_for("postgres back", lambda: stack.exec("postgres", "sh", "-c", psql).strip(), 60)
    assert stored == "1"
    # Once PostgreSQL is back, each replica's very next write works: its pool drops the
    # connections the restart broke instead of failing the request.
    for service in ("api-1", "api-2"):
        again = {"session_id": "pg-1", "score": 0, "comment": f"after restart via {service}"}
        status, body = stack.direct(service, "POST", "/feedback", json=again)
        assert status == 201, (service, body)


def test_stopping_a_replica_lets_its_in_flight_request_finish(stack: Stack) -> None:
    """SIGTERM (podman stop) reaches uvicorn through tini; it drains before exiting."""
    question = "When does my Kubernetes certification expire, tortoise?"  # the stub takes 4 s
    answer: dict[str, Any] = {}

    def slow_call() -> None:  # from api-1, so the client does not die with api-2
        body = ask(question, f"drain-{uuid.uuid4().hex[:8]}")
        answer["result"] = stack.direct("api-1", "POST", "/rag/invoke", host="api-2", json=body)

    caller = threading.Thread(target=slow_call)
    caller.start()
    time.sleep(1.5)  # the request is now waiting on the LLM inside api-2
    started = time.monotonic()
    try:
        run(["podman", "stop", "-t", "30", stack.container("api-2")], timeout=60)
        stopped_after = time.monotonic() - started
        caller.join(timeout=60)
        status, body = answer["result"]
        assert status == 200 and body["output"]["outcome"] == "answered", body
        assert stopped_after < 25, stopped_after  # drained, not killed at the 30 s deadline
        # uvicorn re-raises SIGTERM once drained: 143 = SIGTERM; a SIGKILL at the deadline is 137.
        assert stack.inspect("api-2")["State"]["ExitCode"] in (0, 143)
    finally:
        run(["podman", "start", stack.container("api-2")])
        wait_for("api-2 live again", lambda: stack.live("api-2"), timeout=120)
        stack.settle()
