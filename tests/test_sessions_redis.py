"""Sessions in real Redis (Valkey + RediSearch + RedisJSON) through the official checkpointer."""

import asyncio
import time
from typing import Any

import pytest
import redis

from core.settings import Settings
from graph.answerer import open_answerer
from graph.state import Answer
from tests.answering import ask_turns, fake_services
from tests.fakes import QueuedChatModel, queued
from tests.servers import RedisServer


def turn(settings: Settings, llm: QueuedChatModel, question: str, session: str) -> Answer:
    answers, _ = ask_turns(settings, fake_services(settings, llm), session, [question])
    return answers[0]


def with_answerer(settings: Settings, action: Any) -> Any:
    """``action(answerer)`` against the session store, as a new process would open it."""

    async def run() -> Any:
        async with open_answerer(settings, fake_services(settings, queued())) as answerer:
            return await action(answerer)

    return asyncio.run(run())


def history_of(settings: Settings, session: str) -> list[str]:
    history: list[str] = with_answerer(settings, lambda answerer: answerer.conversation(session))
    return history


def forget(settings: Settings, session: str) -> None:
    with_answerer(settings, lambda answerer: answerer.sessions.adelete_thread(session))


def with_redis(sample: Settings, server: RedisServer, **overrides: Any) -> Settings:
    return Settings.from_env({}, data_dir=sample.data_dir, redis_url=server.url, **overrides)


def test_two_turns_then_a_server_crash_keeps_history(
    sample_settings: Settings, redis_server: RedisServer
) -> None:
    settings = with_redis(sample_settings, redis_server)
    llm = queued("You hold the CKA [1].", "the CKA expiry?", "On 2027-08-14 [1].")
    turn(settings, llm, "What certifications do I have?", "alice")
    turn(settings, llm, "When does it expire?", "alice")
    assert history_of(settings, "alice") == [
        "What certifications do I have?",
        "You hold the CKA [1].",
        "When does it expire?",
        "On 2027-08-14 [1].",
    ]
    redis_server.kill()  # SIGKILL, not a clean shutdown
    redis_server.start()
    assert len(history_of(settings, "alice")) == 4
    third = queued("the CKA again?", "Still 2027-08-14 [1].")
    turn(settings, third, "And again?", "alice")
    assert "You hold the CKA [1]." in third.calls[0][-1].content  # rewrite saw the old turns


def test_sessions_expire_after_their_ttl(
    sample_settings: Settings, redis_server: RedisServer
) -> None:
    settings = with_redis(sample_settings, redis_server, session_ttl_minutes=1)
    turn(settings, queued("You hold the CKA [1]."), "What certifications do I have?", "ttl-1")
    client = redis.Redis.from_url(redis_server.url)
    keys = [k for k in client.keys("*") if b"ttl-1" in k]
    assert keys and all(0 < client.ttl(k) <= 60 for k in keys)
    for key in keys:  # fast-forward: expire now instead of waiting a minute
        client.pexpire(key, 1)
    time.sleep(0.1)
    assert history_of(settings, "ttl-1") == []


def test_a_deleted_session_is_gone_and_others_stay(
    sample_settings: Settings, redis_server: RedisServer
) -> None:
    settings = with_redis(sample_settings, redis_server)
    turn(settings, queued("A [1]."), "What certifications do I have?", "keep")
    turn(settings, queued("B [1]."), "What certifications do I have?", "drop")
    forget(settings, "drop")
    assert history_of(settings, "drop") == []
    assert len(history_of(settings, "keep")) == 2


def test_embedded_sessions_survive_a_restart(sample_settings: Settings, tmp_path) -> None:
    settings = Settings.from_env({}, data_dir=sample_settings.data_dir)
    session = f"embedded-{time.time_ns()}"
    turn(settings, queued("You hold the CKA [1]."), "What certifications do I have?", session)
    # a new process would open the same SQLite file: reopening is the restart
    assert len(history_of(settings, session)) == 2
    forget(settings, session)
    assert history_of(settings, session) == []


def test_rag_sessions_delete_removes_history_and_cached_answers_in_redis(
    sample_settings: Settings, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    settings = with_redis(sample_settings, redis_server)
    turn(settings, queued("You hold the CKA [1]."), "What certifications do I have?", "cli-gone")
    client = redis.Redis.from_url(redis_server.url)
    client.set("rag:answer:cached-for-cli-gone", "{}")
    client.sadd("rag:answer-keys:cli-gone", "rag:answer:cached-for-cli-gone")
    monkeypatch.setenv("RAG_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    result = CliRunner().invoke(app, ["sessions", "delete", "cli-gone"])
    assert result.exit_code == 0, result.output
    assert history_of(settings, "cli-gone") == []
    assert client.exists("rag:answer:cached-for-cli-gone", "rag:answer-keys:cli-gone") == 0
    bad = CliRunner().invoke(app, ["sessions", "delete", "bad id!"])
    assert bad.exit_code == 2 and "session id" in bad.output
