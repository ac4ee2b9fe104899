"""The real app end to end: the auth matrix over every route, uploads through /ingest, and two
uvicorn workers sharing sessions and rate limits through real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from server.app import create_app
from server.auth import create_access_token
from server.state import state_of
from tests.answering import fake_services
from tests.conftest import REPO
from tests.fakes import queued
from tests.servers import RedisServer, free_port

pytestmark = pytest.mark.integration

KEY = "matrix-key-0123456789abcdef"
SECRET = "matrix-secret-" + "x" * 40
PASSWORD = "correct horse battery"


@pytest.fixture
def client(sample_settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    # A copy of the sample data folder: /ingest writes to it.
    data = tmp_path / "data"
    subprocess.run(["cp", "-r", str(sample_settings.data_dir), str(data)], check=True)
    # The matrix sends every credential to every route: more than a minute's per-IP allowance.
    settings = Settings.from_env(
        {}, data_dir=data, api_keys=(KEY,), jwt_secret=SECRET, ip_requests_per_minute=1000
    )
    llm = queued(*["Your CKA expires on 2027-08-14 [1]."] * 50)
    services = fake_services(settings, llm)
    with TestClient(create_app(settings, services)) as test_client:
        users = state_of(test_client.app).users  # type: ignore[arg-type]
        users.create("alice", PASSWORD, "user")
        users.create("root", PASSWORD, "admin")
        yield test_client


def token(client: TestClient, username: str) -> str:
    response = client.post("/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def credentials(client: TestClient) -> dict[str, dict[str, str]]:
    expired = create_access_token("root", "admin", SECRET, timedelta(seconds=-5))
    forged = jwt.encode({"sub": "root", "role": "admin", "exp": 4102444800}, "x" * 40, "HS256")
    return {
        "none": {},
        "wrong_key": {"X-API-Key": "wrong-key-0123456789abc"},
        "key": {"X-API-Key": KEY},
        "jwt_user": {"Authorization": f"Bearer {token(client, 'alice')}"},
        "jwt_admin": {"Authorization": f"Bearer {token(client, 'root')}"},
        "expired": {"Authorization": f"Bearer {expired}"},
        "forged": {"Authorization": f"Bearer {forged}"},
    }


ASK = {
    "input": {"question": "When does my Kubernetes certification expire?"},
    "config": {"configurable": {"thread_id": "matrix"}},
}
ROUTES: list[tuple[str, str, dict[str, Any], str]] = [
    # method, path, request kwargs, who may call it: "client" (key or any JWT) or "admin"
    ("POST", "/rag/invoke", {"json": ASK}, "client"),
    ("POST", "/rag/stream", {"json": ASK}, "client"),
    ("POST", "/rag/batch", {"json": {"inputs": [ASK["input"]], "config": ASK["config"]}}, "client"),
    ("POST", "/retrieve", {"json": {"query": "kubernetes expiry"}}, "client"),
    ("DELETE", "/sessions/matrix", {}, "client"),
    ("POST", "/feedback", {"json": {"session_id": "matrix", "score": 1}}, "client"),
    ("GET", "/audit", {}, "admin"),
    ("GET", "/health/detailed", {}, "client"),
    ("GET", "/metrics", {}, "client"),
    ("GET", "/me", {}, "client"),
    ("POST", "/conversations", {}, "client"),
    ("GET", "/conversations", {}, "client"),
    ("GET", "/admin/documents", {}, "admin"),
    ("GET", "/admin/chunks", {"params": {"q": "kubernetes"}}, "admin"),
    ("GET", "/admin/feedback", {}, "admin"),
    ("GET", "/admin/users", {}, "admin"),
    (
        "POST",
        "/ingest",
        {
            "files": {
                "files": ("note.md", b"# Note\n\nThe badge number is 4471.\n", "text/markdown")
            }
        },
        "admin",
    ),
]


def test_auth_matrix_every_route_every_credential(client: TestClient) -> None:
    creds = credentials(client)
    allowed = {
        "client": {"key", "jwt_user", "jwt_admin"},
        "admin": {"jwt_admin"},
    }
    failures = []
    for method, path, kwargs, who in ROUTES:
        for name, headers in creds.items():
            status = client.request(method, path, headers=headers, **kwargs).status_code
            if name in allowed[who]:
                ok = status < 400
            elif name in ("key", "jwt_user"):
                ok = status == 403  # authenticated but not an admin
            else:
                ok = status == 401
            if not ok:
                failures.append((method, path, name, status))
    assert failures == []


def test_an_uploaded_file_is_ingested_and_answerable_by_retrieval(client: TestClient) -> None:
    admin = {"Authorization": f"Bearer {token(client, 'root')}"}
    upload = {
        "files": ("badge.md", b"# Badge\n\nMy office badge number is 4471.\n", "text/markdown")
    }
    response = client.post("/ingest", headers=admin, files=upload)
    assert response.status_code == 200, response.text
    assert response.json()["chunks_added"] == 1
    hits = client.post(
        "/retrieve", json={"query": "office badge number", "k": 1}, headers={"X-API-Key": KEY}
    ).json()["results"]
    assert hits[0]["source"].endswith("badge.md") and "4471" in hits[0]["text"]


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        ("evil.exe", b"MZ", 415),
        ("bad|name.md", b"# x\n\ntext\n", 422),
        ("fake.pdf", b"not a pdf", 415),
        (".hidden.md", b"# x\n\ntext\n", 422),
    ],
)
def test_bad_uploads_are_refused(
    client: TestClient, name: str, content: bytes, status: int
) -> None:
    admin = {"Authorization": f"Bearer {token(client, 'root')}"}
    response = client.post("/ingest", headers=admin, files={"files": (name, content, "text/plain")})
    assert response.status_code == status, response.text


def test_the_service_refuses_to_start_without_credentials(sample_settings: Settings) -> None:
    with pytest.raises(RuntimeError, match="refusing to start without credentials"):
        create_app(Settings.from_env({}, data_dir=sample_settings.data_dir))


def _serve(
    sample: Settings, redis: RedisServer, tmp_path: Path, port: int
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(sample.data_dir),
        "REDIS_URL": redis.url,
        "RAG_API_KEYS": KEY,
        "RAG_LLM": "local/qwen2.5-0.5b",  # no model file: fast extractive fallback answers
        "RAG_MODELS_DIR": str(tmp_path / "no-models"),
        "RAG_SESSION_REQUESTS_PER_MINUTE": "4",
    }
    log = (tmp_path / "serve.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--workers", "2"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_two_workers_share_sessions_and_rate_limits_through_redis(
    sample_settings: Settings, redis_server: RedisServer, tmp_path: Path
) -> None:
    port = free_port()
    proc = _serve(sample_settings, redis_server, tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail((tmp_path / "serve.log").read_text()[-3000:])
        questions = [
            "When does my Kubernetes certification expire?",
            "Which certificate did Red Hat issue?",
            "Where did I do my master's degree?",
            "What is my cumulative GPA?",
        ]
        with httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=120) as http:
            for question in questions:  # fresh connections: spread over both workers
                response = http.post(
                    "/rag/invoke",
                    json={
                        "input": {"question": question},
                        "config": {"configurable": {"thread_id": "shared"}},
                    },
                    headers={"Connection": "close"},
                )
                assert response.status_code == 200, response.text
            fifth = http.post(
                "/rag/invoke",
                json={
                    "input": {"question": questions[0]},
                    "config": {"configurable": {"thread_id": "shared"}},
                },
            )
        assert fifth.status_code == 429 and int(fifth.headers["Retry-After"]) > 0
        from langgraph.checkpoint.redis import RedisSaver

        with RedisSaver.from_conn_string(redis_server.url) as saver:
            state = saver.get_tuple({"configurable": {"thread_id": "shared"}})
        assert state is not None
        humans = [
            m.content for m in state.checkpoint["channel_values"]["messages"] if m.type == "human"
        ]
        assert humans == questions  # every turn, whichever worker served it, in one history
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_password_guessing_is_rate_limited_and_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    guesses = [
        client.post("/auth/token", data={"username": "root", "password": f"guess-{n:04d}-xx"})
        for n in range(12)
    ]
    statuses = [r.status_code for r in guesses]
    assert statuses == [401] * 10 + [429] * 2  # RAG_LOGIN_ATTEMPTS_PER_MINUTE=10 per IP
    assert int(guesses[-1].headers["Retry-After"]) >= 1
    assert "login_attempts_per_minute" in guesses[-1].json()["detail"]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("failed login for 'root'" in m for m in messages) == 10
    assert sum("rate limit login_attempts_per_minute refused" in m for m in messages) == 2
    assert not any("guess-" in m for m in messages)  # the passwords tried are never logged
