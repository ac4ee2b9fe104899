"""The corpus' vectors in a Chroma server (``CHROMA_HOST``), exported and imported through its API.

Embedded Chroma lives in the data folder and is copied with it; a server's collection is read page
by page (ids, vectors, texts, metadata) into JSON lines. Restore fills a new collection and only
then swaps it in (delete the live one, rename the new one), so a failed import leaves the live
collection as it was.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from core.settings import Settings
from ops.errors import BackupError

_PAGE = 1000


def dump(settings: Settings, target: Path) -> int:
    """Write the collection to ``target``: its metadata, then one line per chunk; returns how
    many chunks."""
    count = 0
    try:
        collection = _client(settings).get_or_create_collection(settings.collection_name)
        with target.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"metadata": collection.metadata}) + "\n")
            for offset in range(0, collection.count(), _PAGE):
                page = collection.get(
                    limit=_PAGE, offset=offset, include=["embeddings", "documents", "metadatas"]
                )
                embeddings = page["embeddings"]
                assert embeddings is not None and page["documents"] and page["metadatas"]
                for i, chunk_id in enumerate(page["ids"]):
                    row = {
                        "id": chunk_id,
                        "embedding": [float(x) for x in embeddings[i]],
                        "document": page["documents"][i],
                        "metadata": page["metadatas"][i],
                    }
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
    except Exception as exc:  # chromadb raises assorted types for an unreachable server
        raise BackupError(f"Chroma server: {exc}") from exc
    return count


def check(path: Path) -> None:
    """Every line parses with the fields an import needs."""
    try:
        for _ in _rows(path):
            pass
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path}: unreadable vector export ({exc})") from exc


def restore(settings: Settings, path: Path) -> None:
    client = _client(settings)
    name = settings.collection_name
    with path.open(encoding="utf-8") as lines:
        metadata = json.loads(lines.readline())["metadata"]
    staged = f"{name}-restore-{uuid.uuid4().hex[:8]}"
    try:
        collection = client.create_collection(staged, metadata=metadata)
        batch: list[dict[str, Any]] = []
        for row in _rows(path):
            batch.append(row)
            if len(batch) == _PAGE:
                _add(collection, batch)
                batch = []
        if batch:
            _add(collection, batch)
    except Exception as exc:
        _drop(client, staged)
        raise BackupError(f"Chroma server refused the vectors ({exc}); nothing changed") from exc
    _drop(client, name)
    collection.modify(name=name)


def _client(settings: Settings) -> ClientAPI:
    return chromadb.HttpClient(
        host=settings.chroma_host or "",
        port=settings.chroma_port,
        settings=ChromaSettings(anonymized_telemetry=False),
    )


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        json.loads(lines.readline())["metadata"]  # the collection's (an empty file fails here)
        for line in lines:
            row = json.loads(line)
            if not isinstance(row["id"], str) or not isinstance(row["embedding"], list):
                raise TypeError("id must be a string and embedding a list")
            yield row


def _add(collection: Any, rows: list[dict[str, Any]]) -> None:
    collection.add(
        ids=[r["id"] for r in rows],
        embeddings=[r["embedding"] for r in rows],
        documents=[r["document"] for r in rows],
        metadatas=[r["metadata"] for r in rows],
    )


def _drop(client: ClientAPI, name: str) -> None:
    try:
        client.delete_collection(name)
    except Exception:  # absent: nothing to drop (chromadb's error type varies by version)
        return
