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


def identity_path(title: str, heading_path: tuple[str, ...]) -> tuple[str, ...]:
    """What a passage is: its document's title, then its headings ("Certificate record: CPHIMS >
    Expiration Information"). Sibling documents share section names; only the title tells their
    passages apart. A root heading the title already contains (a titled Markdown file's H1) is
    not repeated."""
    if not title:
        return heading_path
    rest = (
        heading_path[1:]
        if heading_path and heading_path[0].casefold() in title.casefold()
        else heading_path
    )
    return (title, *rest)


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
    def identity(self) -> tuple[str, ...]:
        return identity_path(str(self.metadata.get("title") or ""), self.heading_path)

    @property
    def heading(self) -> str:
        """Title and heading path, as indexed, shown to the model and cited."""
        return " > ".join(self.identity)

    def indexed_text(self) -> str:
        """Text that is embedded and keyword-indexed: the title and heading path travel with the
        body, so a "Grade: B" line is still found by its course/term heading after chunking and
        an "Expiration Information" section by the certificate it belongs to."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text
