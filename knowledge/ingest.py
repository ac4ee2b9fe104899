"""Incremental ingestion: content hashes decide what is embedded, replaced or removed.

LangChain's indexing API with a SQL record manager adds only chunks whose content-hash id it has not
seen. The live chunk set is then published as a snapshot (see ``snapshot.py``), and only after that
are chunks outside the snapshot deleted from the vector store, so a crash at any point leaves a
complete, searchable corpus and the next run converges.

A full disk is the crash that does not end by itself: embedded Chroma cannot even answer a query
while writes it logged wait for space to be applied. So an ingest first checks that the data
folder has room for what it will add, and refuses with ``StorageFullError`` before writing
anything; a disk that fills up anyway mid-way (another writer) stops it with the same error.
"""

from __future__ import annotations

import fcntl
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

from langchain_community.indexes._sql_record_manager import SQLRecordManager
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.indexing import RecordManager, index
from langchain_core.vectorstores import VectorStore

from core.settings import Settings
from knowledge import snapshot
from knowledge.chunking import chunk_document
from knowledge.documents import BadFileError, Chunk
from knowledge.embeddings import load_embeddings
from knowledge.layout import DataLayout
from knowledge.loaders import LOADERS, load
from knowledge.vectorstore import open_vectorstore
from knowledge.windows import chunk_of, indexed_windows, windows
from safety.indirect import flag_passage

_DELETE_BATCH = 500
# Measured: a 60-word chunk takes ~10 KB in embedded Chroma (vector, metadata, full-text index,
# write-ahead log) plus the record manager's row; its text goes into the snapshot too. A window
# is counted like a chunk.
BYTES_PER_VECTOR = 16 * 1024
SPACE_FLOOR_BYTES = 16 * 1024 * 1024  # SQLite journals, HNSW growth, the snapshot's BM25 index


class StorageFullError(OSError):
    """The data folder's disk has no room for this ingest; the published corpus is unchanged."""


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class IngestReport:
    files_seen: int = 0
    files_indexed: int = 0
    chunks_added: int = 0
    chunks_unchanged: int = 0
    chunks_replaced: int = 0
    chunks_removed: int = 0
    chunks_embedded: int = 0
    windows_embedded: int = 0  # vectors of a few lines of a chunk (knowledge/windows.py)
    chunks_flagged: int = 0  # passages that read like instructions to an AI (indirect injection)
    skipped: list[Skipped] = field(default_factory=list)
    corpus_version: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[Path], list[Skipped]]:
    """Files to read, the folders they came from (for removal detection), and missing paths."""
    files: list[Path] = []
    roots: list[Path] = []
    missing: list[Skipped] = []
    for raw in paths:
        path = raw.expanduser().resolve()
        if path.is_dir():
            roots.append(path)
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(path)
        else:
            roots.append(path)  # a vanished file that was ingested before is removed
            missing.append(Skipped(str(raw), "no such file or directory"))
    return files, roots, missing


def record_manager(layout: DataLayout, collection: str) -> RecordManager:
    manager = SQLRecordManager(f"chroma/{collection}", db_url=f"sqlite:///{layout.records_db}")
    manager.create_schema()
    return cast(RecordManager, manager)  # community's class implements core's interface


def add_vectors(documents: Iterable[Document], records: RecordManager, store: VectorStore) -> int:
    """Embeds and adds the documents whose ids the record manager has not seen; returns how many."""
    result = index(
        documents,
        records,
        store,
        cleanup=None,  # deletion happens in publish_and_clean, after the snapshot is published
        source_id_key="source",
        key_encoder=lambda doc: str(doc.id),
        batch_size=64,
    )
    return result["num_added"]


def window_documents(chunk: Chunk) -> list[Document]:
    """The chunk's windows (``knowledge.windows``), each under the chunk's title and headings."""
    return [
        Document(
            page_content=text, metadata={"chunk_id": chunk.chunk_id, "source": chunk.source}, id=id_
        )
        for id_, text in indexed_windows(chunk.chunk_id, chunk.heading, chunk.text)
    ]


def to_document(chunk: Chunk) -> Document:
    metadata: dict[str, Any] = {
        **chunk.metadata,
        "chunk_id": chunk.chunk_id,
        "source": chunk.source,
        "heading": chunk.heading,
        "position": chunk.position,
    }
    if chunk.page is not None:
        metadata["page"] = chunk.page
    return Document(page_content=chunk.indexed_text(), metadata=metadata, id=chunk.chunk_id)


def document_name(path: Path, roots: Sequence[Path]) -> str:
    """How a file is shown to users: relative to the folder it was ingested from, or its name
    when it was ingested on its own, never the server's filesystem layout."""
    parents = [root for root in roots if root in path.parents]
    root = max(parents, key=lambda r: len(r.parts), default=path.parent)
    return path.relative_to(root).as_posix()


def to_stored(chunk: Chunk, flag: str | None, document: str) -> snapshot.StoredChunk:
    metadata = {**chunk.metadata, "document": document}
    if flag:
        metadata["flagged"] = flag
    return snapshot.StoredChunk(
        chunk_id=chunk.chunk_id,
        source=chunk.source,
        heading=chunk.heading,
        position=chunk.position,
        text=chunk.text,
        page=chunk.page,
        metadata=metadata,
    )


def injection_flag(chunk: Chunk, previous: snapshot.Snapshot) -> str | None:
    """The guard's rule that fires on this passage, if any: documents may carry instructions
    aimed at the model (a pasted phishing email); the answer prompt marks such passages. Known
    chunks keep their earlier verdict, so re-ingests stay cheap."""
    known = previous.by_id.get(chunk.chunk_id)
    if known is not None:
        return known.metadata.get("flagged")
    return flag_passage(chunk.text)


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """One ingest at a time per data folder (CLI and server may both ingest)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ingest(
    paths: Sequence[Path], settings: Settings, embeddings: Embeddings | None = None
) -> IngestReport:
    started = time.perf_counter()
    layout = DataLayout(settings.data_dir)
    layout.ensure()
    files, roots, missing = discover(paths)
    report = IngestReport(files_seen=len(files), skipped=list(missing))
    chunks: list[Chunk] = []
    read_sources: set[str] = set()
    names: dict[str, str] = {}  # source -> document name
    for path in files:
        try:
            document = load(path, settings.max_file_bytes)
        except BadFileError as exc:
            report.skipped.append(Skipped(str(path), exc.reason))
            continue
        read_sources.add(document.source)
        names[document.source] = document_name(path, roots)
        chunks.extend(chunk_document(document, settings.chunk_max_words))
    report.files_indexed = len(read_sources)

    embeddings = embeddings or load_embeddings(settings.embeddings, settings.embed_batch_size)
    with exclusive(layout.ingest_lock), _stops_when_full(layout):
        previous = snapshot.load(layout.index_dir)
        check_space(layout, chunks, previous)
        store = open_vectorstore(settings, embeddings)
        records = record_manager(layout, settings.collection_name)
        report.chunks_embedded = add_vectors(map(to_document, chunks), records, store)
        # Every chunk's windows, not only new chunks': a corpus ingested before windows existed
        # gets them on its next ingest (known ones are skipped by their ids).
        report.windows_embedded = add_vectors(
            (w for c in chunks for w in window_documents(c)), records, store
        )

        gone = {
            c.source
            for c in previous.chunks
            if not Path(c.source).exists() and any(_under(c.source, root) for root in roots)
        }
        kept = [c for c in previous.chunks if c.source not in read_sources | gone]
        fresh = [to_stored(c, injection_flag(c, previous), names[c.source]) for c in chunks]
        report.chunks_flagged = sum(1 for c in fresh if "flagged" in c.metadata)
        live = kept + fresh
        new_ids = {c.chunk_id for c in chunks}
        for old in previous.chunks:
            if old.source in gone:
                report.chunks_removed += 1
            elif old.source in read_sources:
                if old.chunk_id in new_ids:
                    report.chunks_unchanged += 1
                else:
                    report.chunks_replaced += 1
        report.chunks_added = len(new_ids - previous.by_id.keys())
        report.corpus_version = publish_and_clean(layout, live, store, records)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def publish_and_clean(
    layout: DataLayout, live: list[snapshot.StoredChunk], store: VectorStore, records: RecordManager
) -> str:
    """Publish ``live`` as the corpus, then delete every vector and record outside it; returns
    the new corpus version. Call with the ingest lock held. In this order a crash leaves the
    published corpus complete, and the next run deletes what this one left behind."""
    version = snapshot.publish(layout.index_dir, live)
    live_ids = {c.chunk_id for c in live}
    stale = [key for key in records.list_keys() if chunk_of(key) not in live_ids]
    for start in range(0, len(stale), _DELETE_BATCH):
        batch = stale[start : start + _DELETE_BATCH]
        store.delete(batch)
        records.delete_keys(batch)
    return version


def check_space(layout: DataLayout, chunks: Sequence[Chunk], previous: snapshot.Snapshot) -> None:
    """Refuse before writing anything when the disk cannot hold what this ingest adds."""
    new = [c for c in chunks if c.chunk_id not in previous.by_id]
    vectors = sum(1 + len(windows(c.text)) for c in new)
    # The new snapshot (the texts as JSON, and their BM25 index) is written before the old goes.
    text = sum(len(c.text.encode()) for c in chunks)
    text += sum(len(c.text.encode()) for c in previous.chunks)
    needed = SPACE_FLOOR_BYTES + BYTES_PER_VECTOR * vectors + 2 * text
    free = shutil.disk_usage(layout.root).free
    if free < needed:
        raise StorageFullError(
            f"not enough free space in {layout.root}: about {needed / 2**20:.0f} MB needed for "
            f"{len(new)} new chunk(s), {free / 2**20:.1f} MB free; nothing was changed"
        )


@contextmanager
def _stops_when_full(layout: DataLayout) -> Iterator[None]:
    """A write that fails on a full disk surfaces as ``StorageFullError``, whichever library
    made it (Chroma, SQLite, the snapshot's files each word it their own way)."""
    try:
        yield
    except StorageFullError:
        raise
    except Exception as exc:
        if shutil.disk_usage(layout.root).free >= SPACE_FLOOR_BYTES:
            raise
        raise StorageFullError(
            f"the disk of {layout.root} filled up during the ingest ({type(exc).__name__}: "
            f"{exc}); the previous corpus is still the published one: free space and run it "
            "again"
        ) from exc


def _under(source: str, root: Path) -> bool:
    path = Path(source)
    return path == root or root in path.parents


__all__ = [
    "LOADERS",
    "IngestReport",
    "Skipped",
    "StorageFullError",
    "discover",
    "exclusive",
    "ingest",
    "publish_and_clean",
]
