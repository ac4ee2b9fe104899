"""Heading-aware chunking that keeps facts next to their labels.

A section is cut into blocks (paragraphs, whole lists, table rows with their header) and blocks are
packed into chunks of at most ``max_words``. A block is only split when it alone is too long, and a
table split repeats its header so every row keeps its column labels.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from knowledge.documents import Chunk, LoadedDocument

_TABLE_LINE = re.compile(r"^\s*\|")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def chunk_document(document: LoadedDocument, max_words: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: Counter[tuple[tuple[str, ...], str]] = Counter()
    for section in document.sections:
        for text in _pack(list(_blocks(section.text, max_words)), max_words):
            key = (section.heading_path, text)
            seen[key] += 1
            chunk = Chunk(
                chunk_id="",
                source=document.source,
                heading_path=section.heading_path,
                position=len(chunks),
                text=text,
                page=section.page,
                metadata=document.metadata,
            )
            chunks.append(replace(chunk, chunk_id=chunk_id(chunk, seen[key])))
    return chunks


def chunk_id(chunk: Chunk, occurrence: int) -> str:
    """Content-addressed over what is indexed (identity and body): the same text under the same
    title and headings of the same file keeps its id across re-ingests, editing one paragraph
    changes only that chunk's id, and a changed title re-embeds the document's chunks."""
    parts = [chunk.source, *chunk.identity, str(chunk.page), chunk.text, str(occurrence)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _words(text: str) -> int:
    return len(text.split())


def _blocks(text: str, max_words: int) -> Iterator[str]:
    """Paragraphs and lists stay whole; tables are yielded as header+row groups."""
    paragraph: list[str] = []
    table: list[str] = []

    def flush_paragraph() -> Iterator[str]:
        if paragraph:
            yield from _split_long("\n".join(paragraph), max_words)
            paragraph.clear()

    def flush_table() -> Iterator[str]:
        if table:
            yield from _table_blocks(table, max_words)
            table.clear()

    for line in text.splitlines():
        if _TABLE_LINE.match(line):
            yield from flush_paragraph()
            table.append(line)
        elif not line.strip():
            yield from flush_table()
            yield from flush_paragraph()
        else:
            yield from flush_table()
            paragraph.append(line)
    yield from flush_table()
    yield from flush_paragraph()


def _table_blocks(lines: list[str], max_words: int) -> Iterator[str]:
    has_header = len(lines) > 1 and bool(_TABLE_RULE.match(lines[1]))
    header = lines[:2] if has_header else []
    rows = lines[2:] if has_header else lines
    group: list[str] = []
    for row in rows:
        if group and _words("\n".join(header + group + [row])) > max_words:
            yield "\n".join(header + group)
            group = []
        group.append(row)
    if group or header:
        yield "\n".join(header + group)


def _split_long(text: str, max_words: int) -> Iterator[str]:
    if _words(text) <= max_words:
        yield text
        return
    # Lines first (list items, "Label: value" lines), then sentences, then hard word windows.
    pieces = text.splitlines() if "\n" in text else _SENTENCE_END.split(text)
    if len(pieces) == 1:
        words = text.split()
        for start in range(0, len(words), max_words):
            yield " ".join(words[start : start + max_words])
        return
    joiner = "\n" if "\n" in text else " "
    current: list[str] = []
    for piece in pieces:
        if current and _words(joiner.join([*current, piece])) > max_words:
            yield from _split_long(joiner.join(current), max_words)
            current = []
        current.append(piece)
    if current:
        yield from _split_long(joiner.join(current), max_words)


def _pack(blocks: list[str], max_words: int) -> Iterator[str]:
    current: list[str] = []
    for block in blocks:
        if current and _words("\n\n".join([*current, block])) > max_words:
            yield "\n\n".join(current)
            current = []
        current.append(block)
    if current:
        yield "\n\n".join(current)
