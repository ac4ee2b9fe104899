"""What a loaded file and a chunk look like, independent of any store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class BadFileError(Exception):
    """A file we refuse to ingest; ``reason`` is shown to the user next to the path."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path (``page`` is set for PDFs)."""

    heading_path: tuple[str, ...]
    text: str
    page: int | None = None


@dataclass(frozen=True)
class LoadedDocument:
    source: str
    sections: list[Section]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    source: str
    heading_path: tuple[str, ...]
    position: int
    text: str
    page: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)

    def indexed_text(self) -> str:
        """Text that is embedded and keyword-indexed: the heading path travels with the body, so a
        "Grade: B" line is still found by its course/term heading after chunking."""
        return f"{self.heading}\n{self.text}" if self.heading_path else self.text
