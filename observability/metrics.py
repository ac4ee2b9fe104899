"""Prometheus metrics: one ``Metrics`` object per app, each with its own registry.

A registry per object (not prometheus_client's global one) lets tests build apps repeatedly
without "duplicated timeseries" errors. HTTP metrics are labelled with the route template
(``/items/{item_id}``), never the raw path, so label cardinality stays bounded; requests that
match no route share the label ``unmatched``.

Several uvicorn/gunicorn workers: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder (wiped at
every service start) before the workers start; each worker then writes its values to files there
and ``metrics_response`` sums them over all workers. Under gunicorn, call
``prometheus_client.multiprocess.mark_process_dead(pid)`` from the ``child_exit`` hook so a dead
worker's breaker gauge disappears.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.state import Answer
from llm.breaker import BreakerState

if TYPE_CHECKING:  # the ingest pipeline is heavy to import; only its report's type is needed
    from knowledge.ingest import IngestReport

# Answers take seconds (retrieval, rerank, an LLM), so the buckets reach a minute.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)
BREAKER_VALUES = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _state_gauge(
    registry: CollectorRegistry, name: str, documentation: str, labels: Sequence[str] = ()
) -> Gauge:
    """A gauge of the service's state, set at each scrape: with several workers, the value the
    last live worker to be scraped saw."""
    return Gauge(name, documentation, labels, multiprocess_mode="livemostrecent", registry=registry)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "rag_http_requests",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_latency = Histogram(
            "rag_http_request_duration_seconds",
            "HTTP request latency (until the last body byte is sent) by route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.node_latency = Histogram(
            "rag_node_duration_seconds",
            "Answer-graph node latency.",
            ["node"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.llm_tokens = Counter(
            "rag_llm_tokens",
            "LLM tokens by provider and kind (prompt or completion).",
            ["provider", "kind"],
            registry=r,
        )
        self.llm_errors = Counter(
            "rag_llm_errors", "Failed LLM calls by provider.", ["provider"], registry=r
        )
        self.cache_hits = Counter("rag_cache_hits", "Cache hits by layer.", ["layer"], registry=r)
        self.cache_misses = Counter(
            "rag_cache_misses", "Cache misses by layer.", ["layer"], registry=r
        )
        self.guard_blocks = Counter(
            "rag_guard_blocks",
            "Blocked questions and answers, by guard layer (rules, classifier, prompt_guard, "
            "output) and reason category (rule name, injection_score, fail_closed, prompt_echo).",
            ["layer", "reason"],
            registry=r,
        )
        self.rate_limit_rejections = Counter(
            "rag_rate_limit_rejections",
            "Requests refused by a rate limit or session cap, by limit.",
            ["limit"],
            registry=r,
        )
        self.fallbacks = Counter(
            "rag_fallbacks", "Answers that fell back, by reason.", ["reason"], registry=r
        )
        self.breaker_state = Gauge(
            "rag_breaker_state",
            "Circuit breaker state by provider: 0 closed, 1 half-open, 2 open.",
            ["provider"],
            # With several workers, report the worst state any live worker is in.
            multiprocess_mode="livemax",
            registry=r,
        )
        self.answers = Counter(
            "rag_answers",
            "Answers by outcome, and whether the response cache gave them.",
            ["outcome", "cached"],
            registry=r,
        )
        self.llm_first_token = Histogram(
            "rag_llm_time_to_first_token_seconds",
            "Time from an LLM call to its first streamed token, by provider.",
            ["provider"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.ingest_latency = Histogram(
            "rag_ingest_duration_seconds",
            "Ingest runs the service made (uploads, re-ingests) and how long each took.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.ingest_files = Counter(
            "rag_ingest_files",
            "Files the service's ingest runs read, by result (indexed or skipped).",
            ["result"],
            registry=r,
        )
        self.ingest_chunks = Counter(
            "rag_ingest_chunks",
            "Chunks the service's ingest runs changed (added, replaced, removed, flagged).",
            ["change"],
            registry=r,
        )
        # Read at each scrape (server/scrape.py), by whichever worker answers it.
        self.dependency_up = _state_gauge(
            r,
            "rag_dependency_up",
            "Whether a configured dependency answered its check: 1 up, 0 down.",
            ["dependency"],
        )
        self.data_disk_free = _state_gauge(
            r, "rag_data_disk_free_bytes", "Free bytes on the file system of the data folder."
        )
        self.data_disk_size = _state_gauge(
            r, "rag_data_disk_size_bytes", "Size of the file system of the data folder, in bytes."
        )
        self.last_backup = _state_gauge(
            r,
            "rag_last_backup_timestamp_seconds",
            "When the newest complete backup was made (its manifest's mtime); 0: none.",
        )
        self.corpus_chunks = _state_gauge(r, "rag_corpus_chunks", "Chunks in the published corpus.")
        self.corpus_documents = _state_gauge(
            r, "rag_corpus_documents", "Documents in the published corpus."
        )
        self.corpus_flagged = _state_gauge(
            r,
            "rag_corpus_flagged_chunks",
            "Chunks of the published corpus flagged as reading like instructions to an AI.",
        )

    def set_breaker_state(self, provider: str, state: BreakerState) -> None:
        self.breaker_state.labels(provider=provider).set(BREAKER_VALUES[state])

    def count_answer(self, answer: Answer, *, cached: bool) -> None:
        """Cache hit or miss; for answers the graph produced, output blocks and fallbacks.
        Input-guard blocks are counted by ``MetricsObserver``, which sees the guard's verdict."""
        self.answers.labels(answer["outcome"], str(cached).lower()).inc()
        if cached:
            self.cache_hits.labels("response").inc()
            return
        self.cache_misses.labels("response").inc()
        if answer["outcome"] == "blocked" and answer["reason"] == "output_blocked":
            self.guard_blocks.labels("output", "prompt_echo").inc()
        elif answer["outcome"] == "fallback":
            self.fallbacks.labels(answer["reason"] or "unknown").inc()

    def count_ingest(self, report: IngestReport) -> None:
        self.ingest_latency.observe(report.seconds)
        self.ingest_files.labels("indexed").inc(report.files_indexed)
        self.ingest_files.labels("skipped").inc(len(report.skipped))
        for change, n in (
            ("added", report.chunks_added),
            ("replaced", report.chunks_replaced),
            ("removed", report.chunks_removed),
            ("flagged", report.chunks_flagged),
        ):
            self.ingest_chunks.labels(change).inc(n)


def route_template(scope: Scope) -> str:
    """The matched route's path template, including any mount prefix; ``unmatched`` if none."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(template, str):
        return "unmatched"
    # Inside a Mount, the route's path is relative: Starlette moved the prefix to root_path.
    root_path, app_root_path = str(scope.get("root_path", "")), str(scope.get("app_root_path", ""))
    return root_path[len(app_root_path) :] + template


class MetricsMiddleware:
    """Counts requests and observes latency per route template (pure ASGI: streams untouched)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client gets when the app raises before responding

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = route_template(scope)
            self.metrics.http_requests.labels(method, route, str(status)).inc()
            self.metrics.http_latency.labels(method, route).observe(time.perf_counter() - start)


def metrics_response(metrics: Metrics) -> Response:
    """``/metrics`` in the Prometheus text format; all workers' values in multiprocess mode."""
    registry = metrics.registry
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
