"""Steps 1 and 2: first ingest of the Markdown corpus (with its time breakdown), then re-ingest."""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from benchmarks.retrieval.machine import contention, cpu_seconds, current_rss_mb, peak_rss_mb
from benchmarks.retrieval.output import log
from core.settings import Settings
from knowledge.embeddings import load_embeddings
from knowledge.ingest import ingest
from knowledge.retriever import HybridRetriever


class TimedEmbeddings(Embeddings):
    """Delegates to the real model and adds up the time spent embedding (ingest breakdown)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def phase_ingest(docs_dir: Path, settings: Settings, chunk_texts_out: list[str]) -> dict[str, Any]:
    log("== 1. ingest ==")
    model = load_embeddings(settings.embeddings, settings.embed_batch_size)
    model.embed_documents(["warm up the onnx session"])  # model load is not ingest cost
    timed = TimedEmbeddings(model)
    rss_before = current_rss_mb()
    load_before = contention()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    report = ingest([docs_dir], settings, embeddings=timed)
    wall = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    retriever_probe = HybridRetriever(settings, embeddings=model)
    chunks = retriever_probe.corpus.chunks
    texts = [c.indexed_text() for c in chunks]
    chunk_texts_out.extend(texts)
    words = [len(c.text.split()) for c in chunks]
    result: dict[str, Any] = {
        "files_seen": report.files_seen,
        "files_indexed": report.files_indexed,
        "skipped": [asdict(s) for s in report.skipped],
        "chunks": len(chunks),
        "chunks_embedded": report.chunks_embedded,
        "chunk_words_mean": round(statistics.fmean(words), 1) if words else 0,
        "seconds": round(wall, 2),
        "report_seconds": report.seconds,
        "chunks_per_s": round(len(chunks) / wall, 2),
        "embed_seconds_inside_ingest": round(timed.seconds, 2),
        "other_seconds_inside_ingest": round(wall - timed.seconds, 2),
        "cpu_seconds_per_chunk": round(cpu / max(1, len(chunks)), 4),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpu_seconds": round(cpu, 1),
        "cores_used": round(cpu / wall, 2),
        "load_before": load_before,
        "load_after": contention(),
    }
    log(
        f"ingested {report.files_indexed}/{report.files_seen} files -> {len(chunks)} chunks "
        f"(mean {result['chunk_words_mean']} words) in {wall:.1f} s = "
        f"{result['chunks_per_s']} chunks/s; embedding {timed.seconds:.1f} s, "
        f"rest {wall - timed.seconds:.1f} s; peak RSS {result['peak_rss_mb']} MB"
    )
    if report.skipped:
        log(f"skipped {len(report.skipped)}: {report.skipped[:3]}")
    return result


def phase_reingest(docs_dir: Path, settings: Settings, first_seconds: float) -> dict[str, Any]:
    log("== 2. re-ingest of the unchanged folder ==")
    started = time.perf_counter()
    report = ingest([docs_dir], settings)
    wall = time.perf_counter() - started
    result = {
        "seconds": round(wall, 2),
        "percent_of_first": round(100 * wall / first_seconds, 1) if first_seconds else None,
        "chunks_embedded": report.chunks_embedded,
        "chunks_added": report.chunks_added,
        "chunks_unchanged": report.chunks_unchanged,
        "chunks_replaced": report.chunks_replaced,
        "chunks_removed": report.chunks_removed,
    }
    log(
        f"re-ingest: {wall:.1f} s ({result['percent_of_first']}% of first), embedded "
        f"{report.chunks_embedded}, unchanged {report.chunks_unchanged}"
    )
    return result
