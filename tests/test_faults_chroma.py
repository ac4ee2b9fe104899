"""The Chroma server (``CHROMA_HOST``) killed and restarted under the real service.

Without the vector store, questions get the documented fallback (``outcome=fallback``, reason
``retrieval_failed``: "I can't search your documents right now") within the Chroma timeout, and
``/retrieve`` a 503 with Retry-After, never a 500. Keyword search alone is not offered instead:
the relevance floor is measured on the dense leg, so BM25-only answers could not tell a relevant
passage from a stray word match. Restarted on the same folder, the server serves the same corpus
and answers come back without restarting the service.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from knowledge.ingest import ingest
from tests.adversity import (
    QUESTIONS,
    answer_of,
    ask,
    service,
    service_settings,
    timed,
    unavailable,
    warm,
)
from tests.answering import fake_services
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import queued
from tests.groq_stub import ANSWER
from tests.reliability import Row
from tests.servers import ChromaServer

pytestmark = pytest.mark.adversity

TIMEOUT_S = 2.0  # RAG_CHROMA_TIMEOUT_S
BOUND_S = TIMEOUT_S + 3.0


def test_chroma_gone_gives_the_fallback_and_503_then_recovers(
    tmp_path: Path, sample_settings: Settings, reliability: Row
) -> None:
    reliability.injected = (
        "Chroma server SIGKILL, restart on the same folder; then SIGSTOP (hung), SIGCONT"
    )
    chroma = ChromaServer(tmp_path / "chroma").start()
    try:
        settings = service_settings(
            sample_settings,
            data_dir=tmp_path / "data",
            chroma_host="127.0.0.1",
            chroma_port=chroma.port,
            chroma_timeout_s=TIMEOUT_S,
        )
        ingest([SAMPLE_CORPUS], settings)
        # The first (QUESTIONS[0], "when") gets a date; the others want no date or number.
        llm = queued("It expires on 2027-08-14 [1].", *[ANSWER] * 19)
        with service(settings, fake_services(settings, llm)) as http:
            warm(http)  # asks QUESTIONS[0]: its answer is cached, and served during the outage
            chroma.kill()
            for n, text in enumerate(QUESTIONS[1:]):
                response, took = timed(ask, http, text, f"chroma-down-{n}")
                answer = answer_of(response)
                reliability.requests += 1
                ok = (answer.get("outcome"), answer.get("reason")) == (
                    "fallback",
                    "retrieval_failed",
                ) and took < BOUND_S
                reliability.degraded += ok
                reliability.errors += not ok
                assert ok, (response.status_code, response.text, took)
            search, took = timed(http.post, "/retrieve", json={"query": "kubernetes expiry"})
            reliability.requests += 1
            assert unavailable(search) and took < BOUND_S, (search.text, took)
            reliability.degraded += 1

            cached = ask(http, QUESTIONS[0], "chroma-down-cached")
            assert answer_of(cached).get("outcome") == "answered"
            chroma.start()  # same port, same folder
            recovered = ask(http, QUESTIONS[1], "chroma-back")
            search = http.post("/retrieve", json={"query": "kubernetes expiry"})
            reliability.requests += 3
            assert answer_of(recovered).get("outcome") == "answered", recovered.text
            assert search.status_code == 200 and search.json()["results"]

            chroma.pause()  # hung: only the client's timeout can end the wait
            hung, took = timed(ask, http, QUESTIONS[2], "chroma-hung")
            reliability.requests += 1
            assert answer_of(hung).get("reason") == "retrieval_failed" and took < BOUND_S
            reliability.degraded += 1
            chroma.resume()
            resumed = ask(http, QUESTIONS[3], "chroma-resumed")
            reliability.requests += 1
            assert answer_of(resumed).get("outcome") == "answered", resumed.text
    finally:
        chroma.kill()
    reliability.notes = f"fallback and 503 within {BOUND_S:g} s; recovered after the restart"
