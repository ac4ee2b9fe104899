"""`langgraph dev` (what LangGraph Studio talks to) runs offline and keeps a two-turn thread."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from tests.conftest import REPO
from tests.servers import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def dev_server(sample_settings: Settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    env = {
        **os.environ,
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGGRAPH_NO_VERSION_CHECK": "true",
        "RAG_DATA_DIR": str(sample_settings.data_dir),
        # No model file here: the LLM fails fast, so turns end in the extractive fallback and the
        # test exercises threads and state, not generation speed.
        "RAG_LLM": "local/qwen2.5-0.5b",
        "RAG_MODELS_DIR": str(tmp_path / "no-models"),
    }
    log = (tmp_path / "dev.log").open("wb")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "langgraph"),
            "dev",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--no-browser",
            "--no-reload",
            "--allow-blocking",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/ok", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, (tmp_path / "dev.log").read_text()[-3000:]
        time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("langgraph dev did not come up: " + (tmp_path / "dev.log").read_text()[-3000:])
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def test_two_turn_thread_over_the_rest_api(dev_server: str) -> None:
    client = httpx.Client(base_url=dev_server, timeout=120)
    assistants = client.post("/assistants/search", json={"graph_id": "personal-rag"}).json()
    assert assistants, "graph personal-rag not registered"
    thread = client.post("/threads", json={}).json()["thread_id"]
    turns = [
        ("When does my Kubernetes certification expire?", "certificates.yaml"),
        ("Which certificate did Red Hat issue?", "certificates.yaml"),
    ]
    for question, source in turns:
        run = client.post(
            f"/threads/{thread}/runs/wait",
            json={"assistant_id": "personal-rag", "input": {"question": question}},
        )
        assert run.status_code == 200, run.text
        output = run.json()
        assert output["outcome"] == "fallback"
        assert source in output["citations"][0]["source"]
    state = client.get(f"/threads/{thread}/state").json()["values"]
    questions = [m["content"] for m in state["messages"] if m["type"] == "human"]
    assert questions == [q for q, _ in turns]
