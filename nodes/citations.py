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


_FACT = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d[\d,.]*\d|[A-Z]{2,}[- ]?\d+[A-Z\d-]*)\b")
# Names: two or more capitalised words in a row ("Kestrel Bay University", "Imogen Faraday").
_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w'’-]*)+")


def attribute(answer: str, documents: list[dict[str, Any]]) -> tuple[str, list[Citation]]:
    """For an answer the model left uncited: cite the passages that contain its facts (dates,
    numbers, codes, multi-word names), and nothing when no fact can be traced. Small local models
    often state the right fact and forget the marker; this points the user at where the fact
    actually stands."""
    facts = set(_FACT.findall(answer)) | set(_NAME.findall(answer))
    cited = [
        n
        for n, doc in enumerate(documents, start=1)
        if facts and any(f in f"{doc['heading']}\n{doc['text']}" for f in facts)
    ][:3]
    if not cited:
        return answer, []
    markers = "".join(f"[{n}]" for n in cited)
    return f"{answer} {markers}", [citation_for(n, documents[n - 1]) for n in cited]
