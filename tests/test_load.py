"""Load on loopback against `rag serve` itself, with Redis (sessions, cache, rate limits),
PostgreSQL (feedback) and the Groq stub (``tests.groq_stub``, in a process of its own) as the
LLM: the real process, configured only through its environment, as an operator runs it.

- 20 concurrent conversations (5 questions, then feedback, then a new session) for 60 s, three
  runs in a row: no errors, p50/p95 per run, the server's RSS after each run flat (no leak), and
  Redis connections never above what the service's pools allow.
- SIGTERM during that load: requests in flight finish, new ones are refused cleanly (connection
  refused or reset before any response, or a 503; never a hang or a 500), and the process exits
  within uvicorn's grace period (``timeout_graceful_shutdown=30`` in ``cli/serve.py``).

Bounded: each run stops by itself after its duration; every request has a timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from core.settings import Settings
from graph.sessions import STORE_CONNECTIONS
from server import cache, ratelimit
from tests.adversity import FEEDBACK, HEADERS, KEY, Turn, converse, wait_ready, warm
from tests.conftest import REPO
from tests.pg import PostgresServer
from tests.reliability import Row
from tests.servers import RedisServer, free_port

pytestmark = pytest.mark.adversity

WORKERS = 20
RUN_S = 60.0
RUNS = 3
GRACE_S = 30  # cli/serve.py: timeout_graceful_shutdown
# Each of the service's pools holds at most this many connections (graph.sessions, server.cache,
# server.ratelimit); a readiness probe opens one more for its ping.
REDIS_CONNECTION_LIMIT = (
    STORE_CONNECTIONS + cache.REDIS_CONNECTIONS + ratelimit.REDIS_CONNECTIONS + 1
)
# Allowed RSS growth from the second run to the third: the first run fills the caches (answers,
# query embeddings, allocator arenas); a leak of 10 KB per request would add ~15 MB per run here.
RSS_GROWTH_MB = 10.0


@dataclass
class Stack:
    data_dir: Path
    redis: RedisServer
    database_url: str
    groq_url: str
    logs: Path


@pytest.fixture(scope="module")
def stack(
    sample_settings: Settings,
    postgres_server: PostgresServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("load")
    data = work / "data"
    shutil.copytree(sample_settings.data_dir, data)  # the server may write under it
    redis_server = RedisServer(work / "redis").start()
    port = free_port()
    groq = subprocess.Popen(
        [sys.executable, "-m", "tests.groq_stub", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield Stack(
            data, redis_server, postgres_server.create_database(), f"http://127.0.0.1:{port}", work
        )
    finally:
        groq.terminate()
        groq.wait(timeout=10)
        redis_server.kill()


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    base: str
    log: Path


@pytest.fixture
def served(stack: Stack) -> Iterator[Served]:
    """`rag serve` on its own port, ready and warmed up; stopped afterwards if still running."""
    port = free_port()
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(stack.data_dir),
        "REDIS_URL": stack.redis.url,
        "DATABASE_URL": stack.database_url,
        "RAG_API_KEYS": KEY,
        "RAG_LLM": "groq/stub-model",
        "GROQ_API_KEY": "stub-key",
        "GROQ_BASE_URL": stack.groq_url,
        # Limits far above this load: it measures the service, not the limiter's refusals (the
        # limiter still runs, in Redis, on every request).
        "RAG_IP_REQUESTS_PER_MINUTE": "1000000",
        "RAG_SESSION_REQUESTS_PER_MINUTE": "1000",
        "RAG_MAX_SESSIONS_PER_IP": "1000000",
        "RAG_MAX_SESSIONS_TOTAL": "1000000",
    }
    log_file = stack.logs / f"serve-{port}.log"
    with log_file.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, headers=HEADERS, timeout=60) as http:
            wait_ready(http, 180.0)
            warm(http)
        yield Served(proc, base, log_file)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=GRACE_S + 10)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class ConnectionSampler:
    """Redis's client count every 0.2 s while the load runs (minus this sampler's own)."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url)
        self._stop = threading.Event()
        self.peak = 0
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, len(self._client.client_list()) - 1)

    def __enter__(self) -> ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._client.close()


def test_twenty_conversations_for_a_minute_three_times_without_errors_or_growth(
    stack: Stack, served: Served, reliability: Row
) -> None:
    reliability.injected = f"{WORKERS} concurrent conversations × {RUN_S:g} s × {RUNS} runs"
    rss = [rss_mb(served.proc.pid)]
    runs = []
    for _ in range(RUNS):
        with ConnectionSampler(stack.redis.url) as connections:
            turns = converse(served.base, WORKERS, RUN_S, feedback=True)
        rss.append(rss_mb(served.proc.pid))
        asked = [t.seconds for t in turns if t.question != FEEDBACK]
        errors = [t for t in turns if not t.ok]
        runs.append(
            f"{len(turns)} req, {len(errors)} err, p50 {pct(asked, 0.5):.0f} ms, "
            f"p95 {pct(asked, 0.95):.0f} ms, {connections.peak} Redis conns"
        )
        reliability.requests += len(turns)
        reliability.errors += len(errors)
        assert errors == [], errors[:5]
        assert connections.peak <= REDIS_CONNECTION_LIMIT
    reliability.notes = (
        "; ".join(f"run {n}: {r}" for n, r in enumerate(runs, start=1))
        + f"; RSS MB idle/after each run: {' / '.join(f'{m:.0f}' for m in rss)}"
        + f"; load average {os.getloadavg()[0]:.1f}"
    )
    print(reliability.notes)
    assert rss[-1] - rss[-2] <= RSS_GROWTH_MB, rss


def test_sigterm_under_load_finishes_in_flight_refuses_new_and_exits_in_grace(
    served: Served, reliability: Row
) -> None:
    reliability.injected = f"SIGTERM to rag serve under {WORKERS} concurrent conversations"
    turns: list[Turn] = []
    load = threading.Thread(
        target=lambda: turns.extend(converse(served.base, WORKERS, 20.0, timeout_s=GRACE_S + 15))
    )
    load.start()
    time.sleep(8.0)
    served.proc.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    code = served.proc.wait(timeout=GRACE_S + 10)
    exited = time.monotonic() - signalled
    load.join()

    before = [t for t in turns if t.started < signalled]
    in_flight = [t for t in before if t.started + t.seconds > signalled]
    after = [t for t in turns if t.started >= signalled]
    # Refused cleanly: no connection, or closed before a byte of response, or a 503.
    clean = {"ConnectError", "RemoteProtocolError", "ReadError"}
    refused = [t for t in after if (t.status is None and t.error in clean) or t.refused]
    bad = [t for t in before if not t.ok] + [t for t in after if not (t.ok or t in refused)]
    reliability.requests += len(turns)
    reliability.degraded += len(refused)
    reliability.errors += len(bad)
    reliability.notes = (
        f"{len(in_flight)} in flight at SIGTERM, all finished; {len(refused)} refused after; "
        f"exited {exited:.1f} s after SIGTERM (status {code}, grace {GRACE_S} s); "
        f"slowest in-flight {max((t.seconds for t in in_flight), default=0):.1f} s"
    )
    print(reliability.notes)
    assert bad == [], bad[:5]
    assert in_flight and refused
    # A clean exit: the lifespan closed the pools, then uvicorn re-raised the SIGTERM it had
    # caught (so the exit status says what stopped the process, as for any terminated one).
    assert code == -signal.SIGTERM and exited < GRACE_S
    assert "Application shutdown complete." in served.log.read_text()
    assert statistics.mean(t.seconds for t in refused if t.status is None) < 1.0  # no hang
