"""Sessions in Redis (the LangGraph checkpointer's keys) dumped with DUMP and put back with RESTORE.

DUMP/RESTORE works over the wire against any Redis-compatible server, so the backup needs no
access to the server's files, and module types (RedisJSON) come back as they were, with their
remaining TTL. Keys are read in MULTI/EXEC batches; a conversation written during the backup may
miss its last turn, never hold half of one that the checkpointer would read (it writes a turn's
checkpoint after its blobs). The service's own ``rag:`` keys (answer cache, rate-limit counters)
are derived and short-lived, so they are left out. Restore replaces every session key at once.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import redis

from ops.errors import BackupError

SERVICE_PREFIX = b"rag:"  # cache and rate limiter: not backed up, not replaced
_STAGED = SERVICE_PREFIX + b"restore:"
_BATCH = 500
_TIMEOUT_S = 30


@dataclass(frozen=True)
class Entry:
    key: bytes
    ttl_ms: int  # 0: no expiry
    value: bytes  # DUMP's serialized value


def dump(url: str, target: Path) -> int:
    """Write the session keys to ``target`` (JSON lines); returns how many."""
    client = _client(url)
    count = 0
    try:
        keys = _session_keys(client)
        with target.open("w", encoding="utf-8") as out:
            for start in range(0, len(keys), _BATCH):
                batch = keys[start : start + _BATCH]
                pipe = client.pipeline(transaction=True)
                for key in batch:
                    pipe.dump(key)
                    pipe.pttl(key)
                replies = pipe.execute()
                for key, value, ttl in zip(batch, replies[::2], replies[1::2], strict=True):
                    if value is None:  # expired or deleted since the scan
                        continue
                    out.write(json.dumps(_encode(Entry(key, max(ttl, 0), value))) + "\n")
                    count += 1
    except redis.RedisError as exc:
        raise BackupError(f"Redis: {exc}") from exc
    finally:
        client.close()
    return count


def read(path: Path) -> list[Entry]:
    try:
        with path.open(encoding="utf-8") as lines:
            return [_decode(json.loads(line)) for line in lines if line.strip()]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path}: unreadable session dump ({exc})") from exc


def restore(url: str, entries: list[Entry]) -> None:
    """Replace every session key by ``entries``, atomically.

    Redis does not roll a transaction back when one command in it fails, so the values are first
    restored under staging names (a refused value, say from a newer server's format, then
    changes nothing), and one MULTI/EXEC deletes the current keys and renames the staged ones.
    """
    client = _client(url)
    try:
        _drop_staged(client)
        staged = [_STAGED + str(n).encode() for n in range(len(entries))]
        pipe = client.pipeline(transaction=False)
        for name, entry in zip(staged, entries, strict=True):
            pipe.restore(name, entry.ttl_ms, entry.value, replace=True)
        try:
            pipe.execute()
        except redis.ResponseError as exc:
            _drop_staged(client)
            raise BackupError(f"Redis refused the sessions ({exc}); nothing was changed") from exc
        pipe = client.pipeline(transaction=True)
        for key in _session_keys(client):
            pipe.delete(key)
        for name, entry in zip(staged, entries, strict=True):
            pipe.rename(name, entry.key)
        pipe.execute()
    except redis.RedisError as exc:
        raise BackupError(f"Redis: {exc}") from exc
    finally:
        client.close()


def _drop_staged(client: redis.Redis) -> None:
    """Staged values a crashed restore left behind."""
    for key in client.scan_iter(match=_STAGED + b"*", count=1000):
        client.delete(key)


def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=_TIMEOUT_S, socket_connect_timeout=_TIMEOUT_S)


def _session_keys(client: redis.Redis) -> list[bytes]:
    return [k for k in client.scan_iter(count=1000) if not k.startswith(SERVICE_PREFIX)]


def _encode(entry: Entry) -> dict[str, str | int]:
    return {
        "key": base64.b64encode(entry.key).decode(),
        "ttl_ms": entry.ttl_ms,
        "value": base64.b64encode(entry.value).decode(),
    }


def _decode(raw: dict[str, str | int]) -> Entry:
    return Entry(
        base64.b64decode(str(raw["key"]), validate=True),
        int(raw["ttl_ms"]),
        base64.b64decode(str(raw["value"]), validate=True),
    )
