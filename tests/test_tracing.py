"""Langfuse tracing against a stand-in Langfuse host on 127.0.0.1 (no mock of the SDK)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from server.app import create_app
from tests.answering import fake_services
from tests.conftest import REPO
from tests.fakes import queued
from tests.langfuse_receiver import LangfuseReceiver
from tests.servers import free_port

pytestmark = pytest.mark.integration

KEYS = {"LANGFUSE_PUBLIC_KEY": "pk-lf-test", "LANGFUSE_SECRET_KEY": "sk-lf-test"}
NODES = {"guard", "hybrid-retrieve", "rerank", "generate", "fallback"}


@pytest.fixture
def receiver() -> Iterator[LangfuseReceiver]:
    server = LangfuseReceiver()
    yield server
    server.close()


def rag_ask(sample: Settings, env: dict[str, str], session: str, tmp_path: Path) -> Any:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LANGFUSE")}
    return subprocess.run(
        [
            *(sys.executable, "-m", "cli.main", "ask"),
            *("When does my Kubernetes certification expire?", "--session", session, "--json"),
        ],
        cwd=REPO,
        env=base
        | {
            "RAG_DATA_DIR": str(sample.data_dir),
            # no model file: the LLM fails fast and the graph ends in its fallback node
            "RAG_LLM": "local/qwen2.5-0.5b",
            "RAG_MODELS_DIR": str(tmp_path / "no-models"),
        }
        | env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_rag_ask_sends_one_trace_with_node_spans_session_and_outcome(
    sample_settings: Settings, receiver: LangfuseReceiver, tmp_path: Path
) -> None:
    out = rag_ask(sample_settings, KEYS | {"LANGFUSE_HOST": receiver.url}, "trace-cli", tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert receiver.names() >= NODES
    assert len({s["trace_id"] for s in receiver.spans}) == 1  # one trace, nested spans
    assert "trace-cli" in receiver.attribute_values("session.id")
    assert any(isinstance(o, dict) and o.get("outcome") == "fallback" for o in receiver.outputs())


def test_tracing_off_sends_nothing(
    sample_settings: Settings, receiver: LangfuseReceiver, tmp_path: Path
) -> None:
    out = rag_ask(sample_settings, {"LANGFUSE_HOST": receiver.url}, "trace-off", tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert receiver.spans == []


def service(sample: Settings, host: str, **overrides: Any) -> TestClient:
    values: dict[str, Any] = {
        "data_dir": sample.data_dir,
        "api_keys": ("trace-key-0123456789",),
        "langfuse_public_key": "pk-lf-test",
        "langfuse_secret_key": "sk-lf-test",
        "langfuse_host": host,
    }
    settings = Settings.from_env({}, **(values | overrides))
    llm = queued(*["Your CKA expires on 2027-08-14 [1]."] * 5)
    services = fake_services(settings, llm)
    return TestClient(create_app(settings, services))


def ask_http(client: TestClient, session: str) -> Any:
    return client.post(
        "/rag/invoke",
        json={
            "input": {"question": "When does my Kubernetes certification expire?"},
            "config": {"configurable": {"thread_id": session}},
        },
        headers={"X-API-Key": "trace-key-0123456789"},
    )


def test_an_http_request_is_traced_with_its_session_and_user(
    sample_settings: Settings, receiver: LangfuseReceiver
) -> None:
    with service(sample_settings, receiver.url) as client:
        response = ask_http(client, "trace-http")
        assert response.status_code == 200
        run_id = response.json()["metadata"]["run_id"]
    # leaving the client runs the app's shutdown, which flushes (bounded)
    assert {"guard", "hybrid-retrieve", "rerank", "generate"} <= receiver.names()
    assert "trace-http" in receiver.attribute_values("session.id")
    assert run_id.replace("-", "") in {s["trace_id"] for s in receiver.spans}
    assert any(isinstance(o, dict) and o.get("outcome") == "answered" for o in receiver.outputs())


def test_a_down_langfuse_host_does_not_slow_requests(sample_settings: Settings) -> None:
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    timings = []
    for host in (down, None):
        overrides = {} if host else {"langfuse_public_key": None, "langfuse_secret_key": None}
        with service(sample_settings, host or down, **overrides) as client:
            ask_http(client, f"warm-{bool(host)}")
            started = time.perf_counter()
            for n in range(3):
                assert ask_http(client, f"down-{bool(host)}-{n}").status_code == 200
            timings.append(time.perf_counter() - started)
    traced_down, untraced = timings
    # export happens in the background: a dead host costs no request time (export timeout: 2 s)
    assert traced_down < untraced + 1.0, timings
