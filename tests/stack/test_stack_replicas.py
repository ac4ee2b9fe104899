"""Two replicas, one service: sessions and the corpus are shared, whichever replica serves.

Routing is forced by calling each replica on its own port from inside its container: Caddy stays
exactly as deployed (no test-only route), and nothing on `back` has to be published.
"""

from __future__ import annotations

import uuid

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


def test_a_document_ingested_through_one_replica_is_found_by_both(stack: Stack) -> None:
    marker = f"quokka{uuid.uuid4().hex[:8]}"
    name = f"{marker}.md"
    note = f"# Travel\n\nMy favourite animal code word is {marker}, seen on Rottnest Island.\n"
    password = "stack-admin-password-123"
    stack.exec("api-1", "sh", "-c", f"printf '%s\\n' {password} | rag users create "
               f"admin-{marker} --admin --password-stdin")  # fmt: skip
    status, token = stack.direct(
        "api-1", "POST", "/auth/token", headers={}, form={"username": f"admin-{marker}",
                                                          "password": password}
    )  # fmt: skip
    assert status == 200, token
    admin = {"Authorization": f"Bearer {token['access_token']}"}
    status, report = stack.direct("api-1", "POST", "/ingest", headers=admin, files=[[name, note]])
    assert status == 200 and report["files_indexed"] == 1, report

    query = {"query": f"What is my animal code word {marker}?", "k": 3}
    for service in ("api-1", "api-2"):
        status, results = stack.direct(service, "POST", "/retrieve", json=query)
        assert status == 200, results
        assert results["results"][0]["source"].endswith(name), (service, results)
    with stack.client() as client:
        answer = client.post("/rag/invoke", json=ask(f"What is {marker}?", f"i-{marker}")).json()
    assert any(c["source"].endswith(name) for c in answer["output"]["citations"]), answer
