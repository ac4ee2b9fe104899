"""Two replicas, one service: sessions and the corpus are shared, whichever replica serves.

Routing is forced by calling each replica on its own port from inside its container: Caddy stays
exactly as deployed (no test-only route), and nothing on `back` has to be published.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from tests.stack.harness import Stack, ask

pytestmark = pytest.mark.stack


def test_a_session_started_on_one_replica_continues_on_the_other(stack: Stack) -> None:
    session = f"cross-{uuid.uuid4().hex[:8]}"
    first = "What certifications do I have?"
    status, body = stack.direct("api-1", "POST", "/rag/invoke", json=ask(first, session))
    assert status == 200, body
    second = "When does the Kubernetes one expire?"
    status, body = stack.direct("api-2", "POST", "/rag/invoke", json=ask(second, session))
    assert status == 200, body
    # api-2 appended its turn to the history api-1 started (a lost session would hold 2 messages).
    history = stack.history("api-1", session)
    assert len(history) == 4, history
    assert history[0] == first and history[2] == second


@pytest.fixture(scope="module")
def admin(stack: Stack) -> dict[str, str]:
    """Authorization headers of a fresh admin user (created with the CLI in api-1)."""
    name, password = f"admin-{uuid.uuid4().hex[:8]}", "stack-admin-password-123"
    create = f"printf '%s\\n' {password} | rag users create {name} --admin --password-stdin"
    stack.exec("api-1", "sh", "-c", create)
    form = {"username": name, "password": password}
    status, token = stack.direct("api-1", "POST", "/auth/token", headers={}, form=form)
    assert status == 200, token
    return {"Authorization": f"Bearer {token['access_token']}"}


def note(marker: str) -> tuple[str, str]:
    text = f"# Travel\n\nMy animal code word is {marker}, seen on Rottnest Island.\n"
    return f"{marker}.md", text


def top_source(stack: Stack, service: str, marker: str) -> str:
    query = {"query": f"What is my animal code word {marker}?", "k": 3}
    status, results = stack.direct(service, "POST", "/retrieve", json=query)
    assert status == 200, results
    return str(results["results"][0]["source"])


def test_a_document_ingested_through_one_replica_is_found_by_both(
    stack: Stack, admin: dict[str, str]
) -> None:
    marker = f"quokka{uuid.uuid4().hex[:8]}"
    name, text = note(marker)
    status, report = stack.direct("api-1", "POST", "/ingest", headers=admin, files=[[name, text]])
    assert status == 200 and report["files_indexed"] == 1, report
    for service in ("api-1", "api-2"):
        assert top_source(stack, service, marker).endswith(name), service
    with stack.client() as client:
        answer = client.post("/rag/invoke", json=ask(f"What is {marker}?", f"i-{marker}")).json()
    assert any(c["source"].endswith(name) for c in answer["output"]["citations"]), answer


def test_ingests_on_both_replicas_at_once_both_land(stack: Stack, admin: dict[str, str]) -> None:
    """The ingest lock (flock on the shared volume) serialises them across containers: without it
    the second snapshot published would drop the first one's document."""
    markers = {"api-1": f"wombat{uuid.uuid4().hex[:8]}", "api-2": f"numbat{uuid.uuid4().hex[:8]}"}
    reports: dict[str, Any] = {}

    def upload(service: str) -> None:
        files = [list(note(markers[service]))]
        reports[service] = stack.direct(service, "POST", "/ingest", headers=admin, files=files)

    threads = [threading.Thread(target=upload, args=(s,)) for s in markers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert all(status == 200 for status, _ in reports.values()), reports
    for service in ("api-1", "api-2"):
        for marker in markers.values():
            assert top_source(stack, service, marker).endswith(f"{marker}.md"), (service, marker)
