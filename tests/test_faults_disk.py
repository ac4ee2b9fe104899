"""A full disk under ``rag ingest``: the data folder on a small tmpfs of its own (mounting one
needs root, which the CI and this machine have).

An ingest the disk has no room for is refused before it writes anything (the CLI exits 1 and
says so, ``POST /ingest`` answers 507), and a disk that fills up mid-ingest (another writer)
stops it with the same error. Either way the published corpus stays the previous one, and once
there is space again the next run converges: every file in, the vector store holding exactly
the snapshot's chunks.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from knowledge import snapshot
from knowledge.ingest import SPACE_FLOOR_BYTES, ingest
from knowledge.retriever import HybridRetriever, SearchUnavailableError
from server.app import create_app
from tests.conftest import REPO, SAMPLE_CORPUS
from tests.reliability import Row
from tests.servers import serving

pytestmark = pytest.mark.adversity

NOTES = 80
QUERY = "kubernetes certification expiry"


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB tmpfs: small enough to fill in a moment, big enough for the sample corpus."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


def fill(mount: Path, leave_bytes: int = 0) -> Path:
    """A file taking all free space but ``leave_bytes``; with 0, to the last block (another
    writer may be racing for it, so grow it until the disk says no)."""
    filler = mount / "filler"
    with filler.open("ab") as fh:
        for step in (2**20, 4096):
            while True:
                stat = os.statvfs(mount)
                room = stat.f_bavail * stat.f_frsize - leave_bytes
                if room < step and leave_bytes:
                    step = room
                if step <= 0:
                    break
                try:
                    os.posix_fallocate(fh.fileno(), filler.stat().st_size, step)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    return filler


def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(NOTES):
        (folder / f"n{i}.md").write_text(f"# Note {i}\n\n" + f"topic{i} words " * 60)
    return folder


def rag_ingest(settings: Settings, *paths: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "ingest", *map(str, paths)],
        cwd=REPO,
        env={**os.environ, "RAG_DATA_DIR": str(settings.data_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def state_of_corpus(settings: Settings) -> tuple[str | None, set[str], list[str]]:
    """The published version, the vector store's ids, and the top hits (both legs)."""
    retriever = HybridRetriever(settings)
    hits = [r.chunk_id for r in retriever.search(QUERY, k=3, rerank=False)]
    return (
        snapshot.current_version(settings.data_dir / "index"),
        set(retriever.store.get()["ids"]),
        hits,
    )


def converged(settings: Settings) -> bool:
    retriever = HybridRetriever(settings)
    names = {Path(c.source).name for c in retriever.corpus.chunks}
    stored = set(retriever.store.get()["ids"])
    # exactly the chunks' and their windows' vectors: nothing stale, nothing lost
    return stored == retriever.corpus.vector_ids and {f"n{i}.md" for i in range(NOTES)} <= names


def test_an_ingest_the_disk_cannot_hold_is_refused_before_it_writes(
    tmp_path: Path, disk: Path, reliability: Row
) -> None:
    reliability.injected = "data folder on a 64 MB tmpfs filled to below the ingest's need"
    settings = Settings.from_env({}, data_dir=disk / "data", dev_mode=True)
    ingest([SAMPLE_CORPUS], settings)
    before = state_of_corpus(settings)
    folder = notes(tmp_path)
    filler = fill(disk, SPACE_FLOOR_BYTES - 2**20)

    proc = rag_ingest(settings, SAMPLE_CORPUS, folder)
    output, _ = proc.communicate(timeout=300)
    reliability.requests += 1
    assert proc.returncode == 1 and "not enough free space" in output, output
    assert "Traceback" not in output
    reliability.degraded += 1
    assert state_of_corpus(settings) == before  # nothing written: both legs as they were

    with serving(create_app(settings)) as base:
        upload = {"files": ("badge.md", b"# Badge\n\nMy badge number is 4471.\n", "text/markdown")}
        refused = httpx.post(f"{base}/ingest", files=upload, timeout=60)
        search = httpx.post(f"{base}/retrieve", json={"query": QUERY, "k": 3}, timeout=60)
    reliability.requests += 2
    assert refused.status_code == 507, refused.text
    assert search.status_code == 200
    assert [r["chunk_id"] for r in search.json()["results"]] == before[2]
    reliability.degraded += 1

    filler.unlink()
    proc = rag_ingest(settings, SAMPLE_CORPUS, folder)
    output, _ = proc.communicate(timeout=600)
    reliability.requests += 1
    assert proc.returncode == 0, output
    assert converged(settings)
    reliability.notes = "refused up front (CLI exit 1, HTTP 507); converged once space was freed"


def test_a_disk_that_fills_mid_ingest_stops_it_and_the_previous_corpus_survives(
    tmp_path: Path, disk: Path, reliability: Row
) -> None:
    reliability.injected = "data folder's tmpfs filled completely while rag ingest writes vectors"
    settings = Settings.from_env({}, data_dir=disk / "data")
    ingest([SAMPLE_CORPUS], settings)
    before = state_of_corpus(settings)
    chroma = settings.data_dir / "chroma"
    written = sum(f.stat().st_size for f in chroma.rglob("*") if f.is_file())

    folder = notes(tmp_path)
    proc = rag_ingest(settings, SAMPLE_CORPUS, folder)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if sum(f.stat().st_size for f in chroma.rglob("*") if f.is_file()) > written + 100_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before the disk could fill"
    filler = fill(disk)
    output, _ = proc.communicate(timeout=300)
    reliability.requests += 1
    assert proc.returncode == 1 and "filled up during the ingest" in output, output
    reliability.degraded += 1
    assert snapshot.current_version(settings.data_dir / "index") == before[0]
    # While the disk is full, embedded Chroma may refuse to read: its log waits for space.
    searchable = "searchable"
    try:
        assert state_of_corpus(settings)[2] == before[2]
    except SearchUnavailableError:
        searchable = "search unavailable (clear error)"

    filler.unlink()
    after = state_of_corpus(settings)
    assert (after[0], after[2]) == (before[0], before[2])  # the previous corpus, searched alike
    reliability.lost = len(set(before[2]) - set(after[2]))
    proc = rag_ingest(settings, SAMPLE_CORPUS, folder)
    output, _ = proc.communicate(timeout=600)
    reliability.requests += 1
    assert proc.returncode == 0, output
    assert converged(settings)
    reliability.notes = (
        f"stopped with a clear error; while full: {searchable}; previous corpus intact once "
        "space was freed; converged after"
    )
