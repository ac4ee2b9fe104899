import pytest

from llm.breaker import BreakerState, CircuitBreaker
from llm.chain import AllProvidersFailedError, Provider, ProviderChain
from tests.fakes import queued


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
