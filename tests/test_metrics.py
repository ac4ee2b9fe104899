"""Prometheus metrics through a real app: route templates, /metrics text, several workers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.responses import Response

from llm.breaker import BreakerState
from observability.metrics import Metrics, MetricsMiddleware, metrics_response

REPO = Path(__file__).resolve().parent.parent

METRIC_NAMES = [
    "rag_http_requests_total",
    "rag_http_request_duration_seconds",
    "rag_node_duration_seconds",
    "rag_llm_tokens_total",
    "rag_llm_errors_total",
    "rag_cache_hits_total",
    "rag_cache_misses_total",
    "rag_guard_blocks_total",
    "rag_rate_limit_rejections_total",
    "rag_fallbacks_total",
    "rag_breaker_state",
    "rag_answers_total",
    "rag_llm_time_to_first_token_seconds",
    "rag_ingest_duration_seconds",
    "rag_ingest_files_total",
    "rag_ingest_chunks_total",
    "rag_dependency_up",
    "rag_data_disk_free_bytes",
    "rag_data_disk_size_bytes",
    "rag_last_backup_timestamp_seconds",
    "rag_corpus_chunks",
    "rag_corpus_documents",
    "rag_corpus_flagged_chunks",
]


def make_app(metrics: Metrics) -> FastAPI:
    app = FastAPI()

    @app.get("/sessions/{session_id}")
    def session(session_id: str) -> dict[str, str]:
        return {"session": session_id}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("broken")

    @app.get("/metrics")
    def metrics_route() -> Response:
        return metrics_response(metrics)

    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def requests_total(metrics: Metrics, route: str, status: str, method: str = "GET") -> float | None:
    labels = {"method": method, "route": route, "status": status}
    return metrics.registry.get_sample_value("rag_http_requests_total", labels)


def test_requests_are_counted_by_route_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    metrics = Metrics()
    client = TestClient(make_app(metrics), raise_server_exceptions=False)
    for session_id in ("alice", "bob", "carol"):
        assert client.get(f"/sessions/{session_id}").status_code == 200
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/boom").status_code == 500
    assert client.request("BREW", "/sessions/x").status_code == 405

    assert requests_total(metrics, "/sessions/{session_id}", "200") == 3
    assert requests_total(metrics, "unmatched", "404") == 1
    assert requests_total(metrics, "/boom", "500") == 1
    assert requests_total(metrics, "/sessions/{session_id}", "405", method="OTHER") == 1
    count = metrics.registry.get_sample_value(
        "rag_http_request_duration_seconds_count",
        {"method": "GET", "route": "/sessions/{session_id}"},
    )
    assert count == 3
    # No raw paths in any label: cardinality stays bounded by the routes.
    assert b"alice" not in bytes(metrics_response(metrics).body)


def test_metrics_endpoint_serves_every_metric(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    metrics = Metrics()
    metrics.llm_tokens.labels(provider="groq", kind="prompt").inc(120)
    metrics.set_breaker_state("groq", BreakerState.OPEN)
    metrics.set_breaker_state("local", BreakerState.HALF_OPEN)
    metrics.rate_limit_rejections.labels(limit="ip_requests_per_minute").inc()
    with metrics.node_latency.labels(node="rerank").time():
        pass
    response = TestClient(make_app(metrics)).get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    text = response.text
    for name in METRIC_NAMES:
        assert f"# TYPE {name} " in text, name
    assert 'rag_llm_tokens_total{kind="prompt",provider="groq"} 120.0' in text
    assert 'rag_breaker_state{provider="groq"} 2.0' in text
    assert 'rag_breaker_state{provider="local"} 1.0' in text
    assert 'rag_node_duration_seconds_count{node="rerank"} 1.0' in text
    Metrics()  # a second app in the same process: its own registry, no duplicate error


WORKER = """
from llm.breaker import BreakerState
from observability.metrics import Metrics
m = Metrics()
m.http_requests.labels("GET", "/ask", "200").inc({n})
m.breaker_state.labels("groq").set({state})
"""

SCRAPE = """
from llm.breaker import BreakerState
from observability.metrics import Metrics, metrics_response
print(metrics_response(Metrics()).body.decode())
"""


def test_several_worker_processes_are_summed_in_multiprocess_mode(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def python(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    python(WORKER.format(n=2, state=0))
    python(WORKER.format(n=3, state=2))
    text = python(SCRAPE)
    assert 'rag_http_requests_total{method="GET",route="/ask",status="200"} 5.0' in text
