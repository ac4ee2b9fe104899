"""Sessions in real Redis (Valkey + RediSearch + RedisJSON) through the official checkpointer."""

import time
from typing import Any

import redis

from core.settings import Settings
from graph.answer import ask
from graph.builder import build_graph
from graph.services import Services
from graph.sessions import open_checkpointer
from knowledge.retriever import HybridRetriever
from llm.chain import Provider, ProviderChain
from safety.guard import InputGuard
from tests.fakes import QueuedChatModel, queued
from tests.servers import RedisServer


def turn(settings: Settings, llm: QueuedChatModel, question: str, session: str) -> dict[str, Any]:
    chain = ProviderChain([Provider("fake", lambda: llm)])
    services = Services(HybridRetriever(settings), InputGuard.from_settings(settings), chain)
    with open_checkpointer(settings) as saver:
        return ask(build_graph(services).compile(checkpointer=saver), question, session)


def history_of(settings: Settings, session: str) -> list[str]:
    with open_checkpointer(settings) as saver:
        state = saver.get_tuple({"configurable": {"thread_id": session}})
    if state is None:
        return []
    return [str(m.content) for m in state.checkpoint["channel_values"].get("messages", [])]


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
    with open_checkpointer(settings) as saver:
        saver.delete_thread("drop")
    assert history_of(settings, "drop") == []
    assert len(history_of(settings, "keep")) == 2


def test_embedded_sessions_survive_a_restart(sample_settings: Settings, tmp_path) -> None:
    settings = Settings.from_env({}, data_dir=sample_settings.data_dir)
    session = f"embedded-{time.time_ns()}"
    turn(settings, queued("You hold the CKA [1]."), "What certifications do I have?", session)
    # a new process would open the same SQLite file: reopening is the restart
    assert len(history_of(settings, session)) == 2
    with open_checkpointer(settings) as saver:
        saver.delete_thread(session)
    assert history_of(settings, session) == []
