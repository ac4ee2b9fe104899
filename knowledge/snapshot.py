"""The published corpus: the live chunk set and its BM25 index, swapped in atomically.

An ingest writes a new snapshot folder and then replaces the ``CURRENT`` pointer with one
``os.replace``. Readers only ever see a complete snapshot, so a crash mid-ingest leaves the previous
corpus searchable; chunks the crashed run added to the vector store are not in the snapshot and are
filtered out of dense results until the next ingest cleans them up.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import bm25s
import Stemmer

from knowledge.abbreviations import Abbreviations
from knowledge.windows import window_id, windows

_STEMMER = Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, English-stemmed tokens without stop words (queries and documents alike)."""
    tokenized = bm25s.tokenize(
        texts, stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False
    )
    return tokenized  # type: ignore[no-any-return]


@dataclass(frozen=True)
class StoredChunk:
    chunk_id: str
    source: str
    heading: str
    position: int
    text: str
    page: int | None
    metadata: dict[str, Any]

    @property
    def document(self) -> str:
        """The document's name for users (older snapshots have no name: the file's name)."""
        return str(self.metadata.get("document") or Path(self.source).name)

    def indexed_text(self) -> str:
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def corpus_version(chunk_ids: list[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(chunk_ids)).encode()).hexdigest()
    return digest[:16]


class Snapshot:
    """An immutable, loaded corpus snapshot with keyword search."""

    def __init__(self, version: str, chunks: list[StoredChunk], bm25: bm25s.BM25 | None) -> None:
        self.version = version
        self.chunks = chunks
        self.by_id = {c.chunk_id: c for c in chunks}
        self._bm25 = bm25

    @cached_property
    def abbreviations(self) -> Abbreviations:
        """Learned from the chunks on first use only: query expansion is off by default."""
        return Abbreviations.learn(c.indexed_text() for c in self.chunks)

    @cached_property
    def window_counts(self) -> dict[str, int]:
        """Chunk id -> how many windows the vector store holds beside it (``knowledge.windows``);
        chunks short enough to be their own window are absent."""
        return {c.chunk_id: n for c in self.chunks if (n := len(windows(c.text)))}

    @cached_property
    def vector_ids(self) -> frozenset[str]:
        """Every id the vector store holds for this corpus: its chunks' and their windows'."""
        return frozenset(self.by_id) | {
            window_id(chunk, n) for chunk, count in self.window_counts.items() for n in range(count)
        }

    @property
    def vector_count(self) -> int:
        return len(self.vector_ids)

    def keyword_search(self, query: str, k: int) -> list[tuple[str, float]]:
        """``(chunk_id, bm25 score)`` best first; chunks with no matching term are left out."""
        if self._bm25 is None or not self.chunks:
            return []
        tokens = tokenize([query])
        if not tokens[0]:
            return []
        docs, scores = self._bm25.retrieve(
            tokens, k=min(k, len(self.chunks)), show_progress=False, n_threads=1
        )
        return [
            (self.chunks[int(i)].chunk_id, float(s))
            for i, s in zip(docs[0], scores[0], strict=True)
            if s > 0
        ]

    @classmethod
    def empty(cls) -> Snapshot:
        return cls("empty", [], None)


def publish(index_dir: Path, chunks: list[StoredChunk]) -> str:
    """Build and atomically publish a snapshot; returns its version."""
    index_dir.mkdir(parents=True, exist_ok=True)
    version = corpus_version([c.chunk_id for c in chunks])
    target = index_dir / version
    if not target.exists():
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=index_dir))
        with (staging / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(c.__dict__, ensure_ascii=False) + "\n")
        if chunks:
            bm25 = bm25s.BM25()
            bm25.index(tokenize([c.indexed_text() for c in chunks]), show_progress=False)
            bm25.save(str(staging / "bm25"))
        _fsync_dir(staging)
        os.replace(staging, target)
    pointer = index_dir / ".CURRENT.tmp"
    pointer.write_text(version, encoding="utf-8")
    os.replace(pointer, index_dir / "CURRENT")
    _fsync_dir(index_dir)
    for old in index_dir.iterdir():
        if old.is_dir() and old.name != version:
            shutil.rmtree(old, ignore_errors=True)
    return version


def current_version(index_dir: Path) -> str | None:
    try:
        return (index_dir / "CURRENT").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def load(index_dir: Path) -> Snapshot:
    version = current_version(index_dir)
    if version is None:
        return Snapshot.empty()
    folder = index_dir / version
    chunks = [
        StoredChunk(**json.loads(line))
        for line in (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    bm25 = bm25s.BM25.load(str(folder / "bm25")) if chunks else None
    return Snapshot(version, chunks, bm25)


def _fsync_dir(path: Path) -> None:
    for file in path.rglob("*"):
        if file.is_file():
            with file.open("rb") as fh:
                os.fsync(fh.fileno())
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
