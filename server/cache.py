"""Response cache: an in-process layer in front of Redis (when configured).

The key is the normalised question plus everything that could change the answer: the session's
conversation so far (a follow-up means something else in another conversation), the prompt
version and the corpus version. Any ingest publishes a new corpus version and any prompt edit a new
fingerprint, so stale answers are never served; they simply age out.

Each entry is also listed under the session that asked it, so forgetting a session removes its
answers from the cache as well (in Redis for every worker; another worker's in-process copy lives
at most ``LOCAL_TTL_S`` when Redis is shared).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections import OrderedDict
from typing import cast

from redis.asyncio import Redis

from graph.state import Answer

log = logging.getLogger(__name__)

_PUNCT = re.compile(r"[^\w\s]")

# A cache must answer fast or not at all: a slow Redis costs a miss, never a wait.
REDIS_TIMEOUT_S = 0.5
REDIS_CONNECTIONS = 8


def normalise(question: str) -> str:
    return " ".join(_PUNCT.sub(" ", question.lower()).split())


def cache_key(question: str, history: list[str], prompt_version: str, corpus_version: str) -> str:
    material = json.dumps([normalise(question), history, prompt_version, corpus_version])
    return "rag:answer:" + hashlib.sha256(material.encode()).hexdigest()


SESSION_KEYS = "rag:answer-keys:"  # + session id: the set of cache keys the session wrote
LOCAL_TTL_S = 60  # in-process copies of a shared (Redis) cache: bounds staleness across workers


class ResponseCache:
    def __init__(self, ttl_s: int, redis: Redis | None = None, max_local: int = 2048) -> None:
        self.ttl_s = ttl_s
        self.redis = redis
        self.max_local = max_local
        self.local_ttl_s = min(ttl_s, LOCAL_TTL_S) if redis is not None else ttl_s
        # key -> (expiry, answer, the sessions that stored it)
        self._local: OrderedDict[str, tuple[float, Answer, set[str]]] = OrderedDict()
        self.hits = {"local": 0, "redis": 0}
        self.misses = 0

    async def get(self, key: str) -> Answer | None:
        entry = self._local.get(key)
        if entry is not None and entry[0] > time.monotonic():
            self._local.move_to_end(key)
            self.hits["local"] += 1
            return entry[1]
        if self.redis is not None:
            try:
                raw = await self.redis.get(key)
            except Exception as exc:  # a cache outage costs speed, never an answer
                log.warning("response cache: redis get failed: %s", exc)
                raw = None
            if raw is not None:
                value = cast(Answer, json.loads(raw))
                self._store_local(key, value, None)
                self.hits["redis"] += 1
                return value
        self.misses += 1
        return None

    async def set(self, key: str, value: Answer, session_id: str) -> None:
        self._store_local(key, value, session_id)
        if self.redis is not None:
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.set(key, json.dumps(value), ex=self.ttl_s)
                    pipe.sadd(SESSION_KEYS + session_id, key)
                    pipe.expire(SESSION_KEYS + session_id, self.ttl_s)
                    await pipe.execute()
            except Exception as exc:
                log.warning("response cache: redis set failed: %s", exc)

    async def forget_session(self, session_id: str) -> None:
        """Remove every answer the session put in the cache."""
        keys = {key for key, (_, _, sessions) in self._local.items() if session_id in sessions}
        if self.redis is not None:
            listed = SESSION_KEYS + session_id
            members = await self.redis.smembers(listed)
            keys |= {k.decode() if isinstance(k, bytes) else k for k in members}
            await self.redis.delete(listed, *keys)
        for key in keys:
            self._local.pop(key, None)

    def stats(self) -> dict[str, int]:
        return {
            "local_hits": self.hits["local"],
            "redis_hits": self.hits["redis"],
            "misses": self.misses,
        }

    def _store_local(self, key: str, value: Answer, session_id: str | None) -> None:
        sessions = self._local[key][2] if key in self._local else set()
        if session_id is not None:
            sessions.add(session_id)
        self._local[key] = (time.monotonic() + self.local_ttl_s, value, sessions)
        self._local.move_to_end(key)
        while len(self._local) > self.max_local:
            self._local.popitem(last=False)
