import threading
import time

import pytest
from langchain_core.language_models import BaseChatModel

from llm.breaker import BreakerState, CircuitBreaker
from llm.chain import AllProvidersFailedError, Provider, ProviderChain
from tests.fakes import QueuedChatModel, queued


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_then_half_opens_and_recovers() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=2, recovery_s=10, half_open_max=1, clock=clock)
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    clock.now = 10
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow() and not breaker.allow()  # one trial at a time
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()


def test_a_failed_half_open_trial_reopens() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, recovery_s=5, clock=clock)
    breaker.record_failure()
    clock.now = 5
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now = 9
    assert not breaker.allow()


def test_primary_fails_then_secondary_answers() -> None:
    primary = queued(TimeoutError("groq timed out"))
    secondary = queued("from the local model")
    chain = ProviderChain(
        [Provider("groq/x", lambda: primary), Provider("local/y", lambda: secondary)]
    )
    reply, name = chain.invoke([])
    assert (reply.content, name) == ("from the local model", "local/y")
    assert len(primary.calls) == 1 and len(secondary.calls) == 1


def test_all_fail_raises_with_every_reason() -> None:
    chain = ProviderChain(
        [
            Provider("groq/x", lambda: queued(RuntimeError("429 rate limited"))),
            Provider("local/y", lambda: queued(RuntimeError("model missing"))),
        ]
    )
    with pytest.raises(AllProvidersFailedError) as err:
        chain.invoke([])
    assert "429 rate limited" in str(err.value) and "model missing" in str(err.value)


def test_open_breaker_skips_the_provider_without_calling_it() -> None:
    clock = Clock()
    primary = queued(RuntimeError("down"), RuntimeError("down"), "recovered")
    secondary = queued("local 1", "local 2", "local 3")
    breaker = CircuitBreaker(failure_threshold=2, recovery_s=30, clock=clock)
    chain = ProviderChain(
        [Provider("groq/x", lambda: primary, breaker), Provider("local/y", lambda: secondary)]
    )
    chain.invoke([])
    chain.invoke([])
    assert chain.states()["groq/x"] is BreakerState.OPEN
    _, name = chain.invoke([])
    assert name == "local/y" and len(primary.calls) == 2  # skipped while open
    clock.now = 30
    _, name = chain.invoke([])
    assert name == "groq/x" and chain.states()["groq/x"] is BreakerState.CLOSED


SLOW_REPLY = " ".join(f"word{i}" for i in range(40))


def test_a_deadline_cuts_a_slow_reply_off_and_stops_its_generation() -> None:
    slow = queued(SLOW_REPLY, token_delay_s=0.05)  # 2 s to finish
    chain = ProviderChain([Provider("local/y", lambda: slow, serialize=True)])
    started = time.monotonic()
    with pytest.raises(AllProvidersFailedError, match="time box"):
        chain.invoke([], deadline=started + 0.2)
    assert time.monotonic() - started < 0.5
    assert slow.abandoned == [SLOW_REPLY]  # the stream was closed, not left running
    assert chain.states()["local/y"] is BreakerState.CLOSED  # the budget ran out, not the model


def test_a_caller_waiting_for_a_busy_local_model_gives_up_at_its_deadline() -> None:
    slow = queued(SLOW_REPLY, "second", token_delay_s=0.05)
    chain = ProviderChain([Provider("local/y", lambda: slow, serialize=True)])
    first = threading.Thread(target=chain.invoke, args=([],))
    first.start()
    time.sleep(0.1)  # the first call holds the model
    started = time.monotonic()
    with pytest.raises(AllProvidersFailedError, match="busy"):
        chain.invoke([], deadline=started + 0.2)
    assert time.monotonic() - started < 0.5
    first.join()
    assert len(slow.calls) == 1  # the second call never reached the model


def test_a_model_that_cannot_stream_still_answers() -> None:
    class WholeReplies(QueuedChatModel):
        _stream = BaseChatModel._stream  # as a model without streaming: stream() invokes once

    model = WholeReplies(outcomes=["in one piece"], calls=[], abandoned=[])
    reply, _ = ProviderChain([Provider("plain", lambda: model)]).invoke([])
    assert reply.content == "in one piece"


def test_a_provider_past_its_own_timeout_counts_as_failed_and_the_next_one_answers() -> None:
    dripping = queued(SLOW_REPLY, token_delay_s=0.05)  # 2 s to finish, past its 0.2 s timeout
    chain = ProviderChain(
        [
            Provider(
                "groq/x", lambda: dripping, CircuitBreaker(failure_threshold=1), timeout_s=0.2
            ),
            Provider("local/y", lambda: queued("from the local model")),
        ]
    )
    started = time.monotonic()
    reply, name = chain.invoke([])
    assert (reply.content, name) == ("from the local model", "local/y")
    assert time.monotonic() - started < 0.5
    assert dripping.abandoned == [SLOW_REPLY]
    assert chain.states()["groq/x"] is BreakerState.OPEN  # the provider's fault, unlike a deadline


def test_a_remote_providers_first_byte_wait_ends_with_the_callers_time_box(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from langchain_groq import ChatGroq

    from tests.groq_stub import GroqStub
    from tests.servers import serving

    stub = GroqStub(delay_s=2.0)  # answers only after 2 s
    stub.modes["m"] = "slow"
    with serving(stub.app) as url:
        monkeypatch.setenv("GROQ_BASE_URL", url)
        groq = ChatGroq(model="m", api_key="k", max_retries=0, streaming=True)  # type: ignore[arg-type]
        chain = ProviderChain([Provider("groq/m", lambda: groq, timeout_s=30)])
        started = time.monotonic()
        with pytest.raises(AllProvidersFailedError, match="time box"):
            chain.invoke([], deadline=started + 0.3)
        assert time.monotonic() - started < 1.0  # not the 2 s the reply would take
    assert chain.states()["groq/m"] is BreakerState.CLOSED  # the caller's budget, not a failure
