"""Inline citations: ``[n]`` markers in the answer mapped to the passages the LLM was shown."""

from __future__ import annotations

import re
from typing import Any

from graph.state import Citation

_MARKER = re.compile(r"\[(\d{1,3})\]")


def citation_for(index: int, doc: dict[str, Any]) -> Citation:
    return Citation(
        index=index,
        chunk_id=doc["chunk_id"],
        source=doc["source"],
        heading=doc["heading"],
        page=doc.get("page"),
    )


def resolve_citations(answer: str, documents: list[dict[str, Any]]) -> tuple[str, list[Citation]]:
    """Keep markers that point at a shown passage, drop the rest, list cited passages in order."""
    citations: dict[int, Citation] = {}

    def keep_or_drop(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if not 1 <= index <= len(documents):
            return ""
        citations.setdefault(index, citation_for(index, documents[index - 1]))
        return match.group(0)

    cleaned = _MARKER.sub(keep_or_drop, answer)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    return cleaned, list(citations.values())
