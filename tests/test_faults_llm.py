"""A misbehaving Groq-compatible server on 127.0.0.1 (``tests.groq_stub``) behind the real
service: every way it fails opens the provider's breaker, answers keep coming from the next
provider (or the extractive fallback when none is left), and a half-open trial closes the breaker
again once the server behaves. No call waits out a Retry-After or an unbounded stream."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from core.settings import Settings
from tests.adversity import answer_of, ask, question, service, service_settings, timed
from tests.groq_stub import GroqStub, Mode
from tests.reliability import Row
from tests.servers import serving

pytestmark = pytest.mark.adversity

PRIMARY, SECONDARY = "primary-model", "secondary-model"
TIMEOUT_S = 1.0  # RAG_LLM_TIMEOUT_S: the whole remote reply
RECOVERY_S = 3.0  # RAG_BREAKER_RECOVERY_S
THRESHOLD = 3  # RAG_BREAKER_FAILURES
# A failing call costs at most the reply timeout; the rest is the service's own work on a
# shared 2-core machine.
BOUND_S = TIMEOUT_S + 4.0


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[GroqStub]:
    # "drip" sends a word every 0.8 s, each within the HTTP read timeout, so only the reply
    # timeout stops it (9 words: 7 s, past BOUND_S); "slow" waits 3 s before answering.
    groq = GroqStub(delay_s=0.8, retry_after_s=30)
    with serving(groq.app) as url:
        monkeypatch.setenv("GROQ_BASE_URL", url)  # the groq SDK's own variable
        yield groq


def settings_for(sample: Settings) -> Settings:
    return service_settings(
        sample,
        llm=f"groq/{PRIMARY},groq/{SECONDARY}",
        groq_api_key="stub-key",
        llm_timeout_s=TIMEOUT_S,
        breaker_failure_threshold=THRESHOLD,
        breaker_recovery_s=RECOVERY_S,
    )


def breakers(http: httpx.Client) -> dict[str, str]:
    providers: dict[str, str] = http.get("/health/detailed").json()["llm"]["providers"]
    return providers


FAULTS: list[Mode] = ["slow", "drip", "error", "rate_limited", "truncated", "garbage"]


@pytest.mark.parametrize("mode", FAULTS)
def test_a_misbehaving_provider_opens_its_breaker_then_recovers(
    mode: Mode, sample_settings: Settings, stub: GroqStub, reliability: Row
) -> None:
    if mode == "slow":
        stub.delay_s = 3.0
    reliability.injected = f"Groq stub: primary model {mode}"
    asked = iter(range(1000))

    def answered_in_bound(http: httpx.Client) -> dict[str, str]:
        # A new question each time (no cache hit) in a new session (no rewrite call).
        n = next(asked)
        response, took = timed(
            ask, http, f"When does my Kubernetes certification expire? ({mode} {n})", f"{mode}-{n}"
        )
        reliability.requests += 1
        body = answer_of(response)
        ok = body.get("outcome") == "answered" and took < BOUND_S
        reliability.errors += not ok
        assert ok, (response.status_code, body, f"{took:.1f} s")
        return body

    with service(settings_for(sample_settings)) as http:
        warm = ask(http, "When does my Kubernetes certification expire?", f"{mode}-warm")
        # Models loaded, both breakers closed.
        assert answer_of(warm)["outcome"] == "answered", warm.text
        reliability.requests += 1
        stub.calls.clear()
        stub.modes[PRIMARY] = mode
        for _ in range(THRESHOLD):  # each fails over to the secondary
            answered_in_bound(http)
        assert stub.calls[PRIMARY] == THRESHOLD and stub.calls[SECONDARY] == THRESHOLD
        assert breakers(http)[f"groq/{PRIMARY}"] == "open"

        answered_in_bound(http)  # open: the primary is not even asked
        assert stub.calls[PRIMARY] == THRESHOLD

        stub.modes[PRIMARY] = "ok"
        time.sleep(RECOVERY_S)
        assert breakers(http)[f"groq/{PRIMARY}"] == "half_open"
        answered_in_bound(http)  # the trial call succeeds and closes the breaker
        assert stub.calls[PRIMARY] == THRESHOLD + 1
        assert stub.calls[SECONDARY] == THRESHOLD + 1
        assert breakers(http)[f"groq/{PRIMARY}"] == "closed"

        # Both providers failing: the extractive fallback, with the passages it found.
        stub.modes[PRIMARY] = stub.modes[SECONDARY] = mode
        response, took = timed(
            ask, http, f"When does my Kubernetes certification expire? ({mode} all)", f"{mode}-all"
        )
        reliability.requests += 1
        body = answer_of(response)
        assert response.status_code == 200 and took < 2 * BOUND_S, (response.text, took)
        assert (body["outcome"], body["reason"]) == ("fallback", "llm_unavailable")
        assert body["citations"]
        reliability.degraded += 1
    reliability.notes = f"breaker opened after {THRESHOLD}, closed by one half-open trial"


def test_a_stream_cut_off_mid_reply_is_voided_before_the_next_provider_answers(
    sample_settings: Settings, stub: GroqStub, reliability: Row
) -> None:
    reliability.injected = "Groq stub: primary model's stream cut off half-way"
    with service(settings_for(sample_settings)) as http:
        stub.modes[PRIMARY] = "truncated"
        chunks, event = [], None
        body = question("When does my Kubernetes certification expire? (cut)", "truncated-stream")
        with http.stream("POST", "/rag/stream", json=body) as response:
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: ") and event == "data":
                    chunks.append(json.loads(line.removeprefix("data: ")))
        reliability.requests += 1
    *streamed, final = chunks
    restart = streamed.index({"restart": True})
    tokens = "".join(c["token"] for c in streamed[restart + 1 :])
    ok = final["outcome"] == "answered" and tokens == final["answer"]
    ok = ok and "2027-08-14" in final["answer"]  # the stub quotes the CKA's passage
    reliability.errors += not ok
    assert ok, chunks
    voided = "".join(c["token"] for c in streamed[:restart]).strip()
    assert voided and final["answer"].startswith(voided)  # what the cut-off reply had streamed
    reliability.notes = "the broken-off tokens are voided by a restart chunk"
