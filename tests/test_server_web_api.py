"""The API behind the web app, without a browser: conversations belong to who started them,
passages by id, the admin routes' refusals, the pages' CSP and the static files' caching."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from server.app import create_app
from server.security import WEB_CSP
from server.state import state_of
from server.web import web_version
from tests.answering import fake_services
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import queued

pytestmark = pytest.mark.integration

KEY = "web-api-key-0123456789abcdef"
SECRET = "web-api-secret-" + "x" * 40
PASSWORD = "correct horse battery"


@pytest.fixture
def client(sample_settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    data = tmp_path / "data"
    shutil.copytree(sample_settings.data_dir, data)
    settings = Settings.from_env({}, data_dir=data, api_keys=(KEY,), jwt_secret=SECRET)
    llm = queued(*["Your CKA expires on 2027-08-14 [1]."] * 5)
    with TestClient(create_app(settings, fake_services(settings, llm))) as test_client:
        users = state_of(test_client.app).users  # type: ignore[arg-type]
        for name, role in (("alice", "user"), ("bob", "user"), ("root", "admin")):
            users.create(name, PASSWORD, role)  # type: ignore[arg-type]
        yield test_client


def as_user(client: TestClient, username: str) -> dict[str, str]:
    form = {"username": username, "password": PASSWORD}
    return {
        "Authorization": f"Bearer {client.post('/auth/token', data=form).json()['access_token']}"
    }


def ask(client: TestClient, headers: dict[str, str], session: str) -> None:
    body = {
        "input": {"question": "When does my Kubernetes certification expire?"},
        "config": {"configurable": {"thread_id": session}},
    }
    assert client.post("/rag/invoke", json=body, headers=headers).status_code == 200


def test_a_conversation_is_read_and_deleted_only_by_its_owner_or_an_admin(
    client: TestClient,
) -> None:
    alice, bob, root = (as_user(client, n) for n in ("alice", "bob", "root"))
    created = client.post("/conversations", headers=alice)
    assert created.status_code == 201
    session = created.json()["id"]
    ask(client, alice, session)

    listed = client.get("/conversations", headers=alice).json()
    assert [(c["id"], c["title"]) for c in listed] == [
        (session, "When does my Kubernetes certification expire?")
    ]
    assert client.get("/conversations", headers=bob).json() == []
    turn = client.get(f"/conversations/{session}", headers=alice).json()["turns"][0]
    assert turn["outcome"] == "answered" and turn["citations"][0]["index"] == 1
    assert len(turn["run_id"]) == 32  # the trace id, kept with the turn for feedback

    for stranger in (bob, {"X-API-Key": KEY}):
        assert client.get(f"/conversations/{session}", headers=stranger).status_code == 404
        assert client.delete(f"/conversations/{session}", headers=stranger).status_code == 404
    assert client.get(f"/conversations/{session}", headers=root).status_code == 200
    assert client.get("/conversations/not valid!", headers=alice).status_code == 422

    assert client.delete(f"/conversations/{session}", headers=alice).status_code == 204
    assert client.get(f"/conversations/{session}", headers=alice).status_code == 404
    assert client.get("/conversations", headers=alice).json() == []
    audited = client.get("/audit", headers=root).json()
    assert (audited[0]["principal"], audited[0]["action"], audited[0]["target"]) == (
        "alice",
        "session.delete",
        session,
    )


def test_passages_by_chunk_id(client: TestClient) -> None:
    key = {"X-API-Key": KEY}
    chunk = state_of(client.app).services.retriever.corpus.chunks[0]  # type: ignore[arg-type]
    passage = client.get(f"/passages/{chunk.chunk_id}", headers=key).json()
    assert (passage["text"], passage["heading"]) == (chunk.text, chunk.heading)
    missing = client.get("/passages/0000", headers=key)
    assert missing.status_code == 404 and "no such passage" in missing.json()["detail"]
    assert client.get(f"/passages/{chunk.chunk_id}").status_code == 401


def test_admin_routes_say_what_is_wrong(client: TestClient) -> None:
    root = as_user(client, "root")
    gone = client.post("/admin/documents/remove", headers=root, json={"source": "/nope.md"})
    assert gone.status_code == 404 and "no document '/nope.md'" in gone.json()["detail"]
    assert client.get("/admin/chunks", params={"q": "x" * 201}, headers=root).status_code == 422
    again = client.post(
        "/admin/users", headers=root, json={"username": "alice", "password": PASSWORD}
    )
    assert again.status_code == 422 and "already exists" in again.json()["detail"]
    self_disable = client.post("/admin/users/root/disable", headers=root)
    assert self_disable.status_code == 422 and "yourself" in self_disable.json()["detail"]
    assert client.post("/admin/users/nobody/disable", headers=root).status_code == 404
    carol = {"username": "carol", "password": PASSWORD}
    assert client.post("/admin/users", headers=root, json=carol).status_code == 201
    assert client.post("/admin/users/carol/disable", headers=root).status_code == 200
    audited = [(e["action"], e["target"]) for e in client.get("/audit", headers=root).json()]
    assert audited[:2] == [("user.disable", "carol"), ("user.create", "carol")]
    transcript = str(SAMPLE_CORPUS / "transcript.md")
    again_read = client.post("/admin/documents/reingest", headers=root, json={"source": transcript})
    assert again_read.status_code == 200 and again_read.json()["chunks_added"] == 0
    assert again_read.json()["chunks_unchanged"] > 0
    report = client.get("/admin/eval", headers=root)
    assert report.status_code == 404 and "RAG_EVAL_REPORT_DIR" in report.json()["detail"]
    assert client.get("/me", headers=root).json() == {
        "name": "root",
        "kind": "user",
        "role": "admin",
    }


def test_pages_get_a_strict_csp_and_static_files_a_versioned_long_cache(
    client: TestClient,
) -> None:
    version = web_version()
    for page in ("/", "/admin"):
        response = client.get(page)
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == WEB_CSP
        assert response.headers["cache-control"] == "no-cache"
        assert f'src="/static/{version}/' in response.text and "{{static}}" not in response.text
        assert "<script>" not in response.text and "style=" not in response.text
    css = client.get(f"/static/{version}/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = client.get("/static/0ld/app.css")
    assert stale.status_code == 200 and stale.headers["cache-control"] == "no-cache"
    for path in ("chat.html", "../server/app.py", "..%2Fserver%2Fapp.py", "nope.js"):
        assert client.get(f"/static/{version}/{path}").status_code == 404, path
