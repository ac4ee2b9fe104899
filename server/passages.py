"""How a stored passage (a chunk of the published corpus) is shown over HTTP: to a reader who
opens a citation, and to an admin browsing the corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from knowledge.snapshot import StoredChunk


def passage(chunk: StoredChunk) -> dict[str, Any]:
    return {
        "chunk_id": chunk.chunk_id,
        "source": chunk.source,
        "document": Path(chunk.source).name,
        "heading": chunk.heading,
        "page": chunk.page,
        "position": chunk.position,
        "text": chunk.text,
        # The guard rule that found instructions aimed at an AI in this passage, if any.
        "flagged": chunk.metadata.get("flagged"),
    }
