"""Removing documents from the corpus, by source, through the same pipeline as ingest.

A new snapshot without the document's chunks is published first; only then are its vectors and
record-manager entries deleted (``ingest.publish_and_clean``), under the same lock as an ingest.
The document's file is left alone: removing a document from the corpus is not deleting someone's
file, and a later ingest of a folder that still holds it brings it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.embeddings import Embeddings

from core.settings import Settings
from knowledge import snapshot
from knowledge.embeddings import load_embeddings
from knowledge.ingest import exclusive, publish_and_clean, record_manager
from knowledge.layout import DataLayout
from knowledge.vectorstore import open_vectorstore


@dataclass
class RemovalReport:
    removed: list[str] = field(default_factory=list)  # sources that had chunks
    not_found: list[str] = field(default_factory=list)  # sources the corpus does not hold
    chunks_removed: int = 0
    corpus_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def remove_documents(
    sources: Sequence[str], settings: Settings, embeddings: Embeddings | None = None
) -> RemovalReport:
    """Take every chunk of ``sources`` (as stored in chunk.source) out of the corpus."""
    layout = DataLayout(settings.data_dir)
    layout.ensure()
    wanted = set(sources)
    report = RemovalReport()
    with exclusive(layout.ingest_lock):
        previous = snapshot.load(layout.index_dir)
        present = {c.source for c in previous.chunks}
        report.removed = sorted(wanted & present)
        report.not_found = sorted(wanted - present)
        if not report.removed:
            report.corpus_version = previous.version
            return report
        live = [c for c in previous.chunks if c.source not in wanted]
        report.chunks_removed = len(previous.chunks) - len(live)
        # Chroma needs an embedding function to open the collection, not to delete from it.
        embeddings = embeddings or load_embeddings(settings.embeddings, settings.embed_batch_size)
        store = open_vectorstore(settings, embeddings)
        records = record_manager(layout, settings.collection_name)
        report.corpus_version = publish_and_clean(layout, live, store, records)
    return report
