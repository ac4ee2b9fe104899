"""What ``/metrics`` reads at each scrape: the state gauges nothing else keeps current —
dependencies, disk space of the data folder, the newest backup, the published corpus and the
LLM breakers.

The newest backup is the newest ``manifest.json`` under ``settings.backups`` (``RAG_BACKUP_DIR``,
default ``<data dir>/backups``): ``rag backup`` writes it last, so its mtime is when the backup
became complete.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from observability.metrics import Metrics
from ops.manifest import MANIFEST
from server.dependency_checks import check_dependencies
from server.state import AppState


def newest_backup_time(backups: Path) -> float:
    """The mtime of the newest backup manifest, 0 when there is none."""
    manifests = backups.glob(f"*/{MANIFEST}")
    return max((m.stat().st_mtime for m in manifests), default=0.0)


def record_corpus(state: AppState, metrics: Metrics) -> None:
    try:
        chunks = state.services.retriever.corpus.chunks
    except Exception:  # an unreadable index: readiness reports it; the gauges keep their value
        return
    metrics.corpus_chunks.set(len(chunks))
    metrics.corpus_documents.set(len({c.source for c in chunks}))
    metrics.corpus_flagged.set(sum(1 for c in chunks if "flagged" in c.metadata))


async def refresh_state_gauges(state: AppState) -> None:
    metrics, data_dir = state.metrics, state.settings.data_dir
    for dependency, up in (await check_dependencies(state.settings)).items():
        metrics.dependency_up.labels(dependency).set(1 if up else 0)
    if data_dir.is_dir():  # made by the first ingest or the SQLite stores
        disk = shutil.disk_usage(data_dir)
        metrics.data_disk_free.set(disk.free)
        metrics.data_disk_size.set(disk.total)
    metrics.last_backup.set(newest_backup_time(state.settings.backups))
    record_corpus(state, metrics)
    for name, breaker in state.services.llm.states().items():
        metrics.set_breaker_state(name, breaker)
