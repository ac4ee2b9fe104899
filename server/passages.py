"""How a stored passage (a chunk of the published corpus) is shown over HTTP: to a reader who
opens a citation (the document by its name, never where the server keeps it), and to an admin
browsing the corpus (who also gets the source path that removal and re-ingest take)."""

from __future__ import annotations

from typing import Any

from knowledge.snapshot import StoredChunk


def passage(chunk: StoredChunk) -> dict[str, Any]:
    return {
        "chunk_id": chunk.chunk_id,
        "document": chunk.document,
        "heading": chunk.heading,
        "page": chunk.page,
        "position": chunk.position,
        "text": chunk.text,
        # The guard rule that found instructions aimed at an AI in this passage, if any.
        "flagged": chunk.metadata.get("flagged"),
    }


def admin_passage(chunk: StoredChunk) -> dict[str, Any]:
    return {**passage(chunk), "source": chunk.source}
