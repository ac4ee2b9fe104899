import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.settings import Settings
from knowledge import snapshot
from knowledge.ingest import ingest
from knowledge.retriever import HybridRetriever
from tests.conftest import REPO


def sources(settings: Settings) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in HybridRetriever(settings).corpus.chunks:
        name = Path(chunk.source).name
        counts[name] = counts.get(name, 0) + 1
    return counts


def make_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Alpha\n\nAlpha first paragraph.\n\n## Part\n\nAlpha part.\n")
    (folder / "b.txt").write_text("Bravo notes about the budget.\n")
    return folder


def vector_ids(settings: Settings) -> set[str]:
    store = HybridRetriever(settings).store
    return set(store.get()["ids"])


def test_add_unchanged_change_delete(tmp_path: Path, settings: Settings) -> None:
    folder = make_folder(tmp_path)
    first = ingest([folder], settings)
    assert (first.chunks_added, first.chunks_embedded) == (3, 3)
    assert sources(settings) == {"a.md": 2, "b.txt": 1}

    again = ingest([folder], settings)
    assert (again.chunks_added, again.chunks_embedded, again.chunks_unchanged) == (0, 0, 3)
    assert again.corpus_version == first.corpus_version

    (folder / "a.md").write_text("# Alpha\n\nAlpha first paragraph.\n\n## Part\n\nAlpha edited.\n")
    changed = ingest([folder], settings)
    assert (changed.chunks_added, changed.chunks_replaced, changed.chunks_unchanged) == (1, 1, 2)
    assert changed.chunks_embedded == 1
    texts = [c.text for c in HybridRetriever(settings).corpus.chunks]
    assert "Alpha edited." in texts and "Alpha part." not in texts

    (folder / "b.txt").unlink()
    removed = ingest([folder], settings)
    assert removed.chunks_removed == 1
    assert sources(settings) == {"a.md": 2}
    # the vector store holds exactly the live chunks: nothing stale, nothing lost
    assert vector_ids(settings) == {c.chunk_id for c in HybridRetriever(settings).corpus.chunks}


def test_ingesting_another_path_keeps_the_first(tmp_path: Path, settings: Settings) -> None:
    folder = make_folder(tmp_path)
    ingest([folder], settings)
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nA separate file.\n")
    ingest([other], settings)
    assert sources(settings) == {"a.md": 2, "b.txt": 1, "other.md": 1}


def test_a_file_turned_bad_keeps_its_previous_chunks(tmp_path: Path, settings: Settings) -> None:
    folder = make_folder(tmp_path)
    ingest([folder], settings)
    (folder / "b.txt").write_bytes(b"\x00\x01binary now")
    report = ingest([folder], settings)
    assert [Path(s.path).name for s in report.skipped] == ["b.txt"]
    assert sources(settings) == {"a.md": 2, "b.txt": 1}


def test_a_killed_ingest_leaves_the_previous_index_searchable(
    tmp_path: Path, settings: Settings
) -> None:
    folder = make_folder(tmp_path)
    ingest([folder], settings)
    before = HybridRetriever(settings).search("budget", k=3, rerank=False)
    big = tmp_path / "big"
    big.mkdir()
    for i in range(400):
        (big / f"n{i}.md").write_text(f"# Note {i}\n\n" + f"topic{i} words " * 60)
    env = {**os.environ, "RAG_DATA_DIR": str(settings.data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "ingest", str(folder), str(big)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    records = settings.data_dir / "records.sqlite"
    deadline = time.time() + 60
    # kill it once it has started writing vectors, well before it can publish
    while time.time() < deadline and proc.poll() is None:
        chroma = settings.data_dir / "chroma"
        if records.exists() and sum(f.stat().st_size for f in chroma.rglob("*") if f.is_file()) > (
            3_000_000
        ):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    retriever = HybridRetriever(settings)
    assert retriever.corpus.version == snapshot.current_version(settings.data_dir / "index")
    assert sources(settings) == {"a.md": 2, "b.txt": 1}
    after = retriever.search("budget", k=3, rerank=False)
    assert [r.chunk_id for r in after] == [r.chunk_id for r in before]
    assert {r.source for r in retriever.search("topic7", 5)} <= {"a.md", "b.txt"}

    resumed = ingest([folder, big], settings)
    assert resumed.files_indexed == 402
    assert sources(settings)["n7.md"] == 1
    assert vector_ids(settings) == {c.chunk_id for c in HybridRetriever(settings).corpus.chunks}


def test_documents_are_named_relative_to_where_they_were_ingested_from(
    tmp_path: Path, settings: Settings
) -> None:
    folder = make_folder(tmp_path)
    (folder / "notes").mkdir()
    (folder / "notes" / "c.md").write_text("# Charlie\n\nCharlie's budget for the year.\n")
    single = tmp_path / "elsewhere" / "d.txt"
    single.parent.mkdir()
    single.write_text("Delta's budget notes.\n")
    ingest([folder, single], settings)
    shown = {r.source for r in HybridRetriever(settings).search("budget", k=10, rerank=False)}
    assert shown == {"a.md", "b.txt", "notes/c.md", "d.txt"}  # never the server's own paths
