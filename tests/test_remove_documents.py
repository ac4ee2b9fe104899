"""Removing a document: gone from the snapshot, the vector store and the ingest records, nothing
else touched, and a re-ingest brings it back."""

from pathlib import Path

from core.settings import Settings
from knowledge.ingest import ingest, record_manager
from knowledge.layout import DataLayout
from knowledge.remove import remove_documents
from knowledge.retriever import HybridRetriever


def make_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "keep.md").write_text("# Keep\n\nThe lighthouse is painted red.\n")
    (folder / "drop.md").write_text("# Drop\n\nThe badge number is 4471.\n\n## More\n\nAnnex.\n")
    return folder


def test_removed_document_leaves_snapshot_vectors_and_records(
    tmp_path: Path, settings: Settings
) -> None:
    folder = make_folder(tmp_path)
    before = ingest([folder], settings)
    drop = str((folder / "drop.md").resolve())

    report = remove_documents([drop, "/no/such/file.md"], settings)

    assert (report.removed, report.not_found) == ([drop], ["/no/such/file.md"])
    assert report.chunks_removed == 2
    assert report.corpus_version != before.corpus_version
    retriever = HybridRetriever(settings)
    assert {Path(c.source).name for c in retriever.corpus.chunks} == {"keep.md"}
    live = {c.chunk_id for c in retriever.corpus.chunks}
    assert set(retriever.store.get()["ids"]) == live
    records = record_manager(DataLayout(settings.data_dir), settings.collection_name)
    assert set(records.list_keys()) == live
    assert all("4471" not in r.text for r in retriever.search("badge number", k=5, rerank=False))
    assert (folder / "drop.md").exists()  # the person's file is theirs

    again = ingest([folder], settings)
    assert again.corpus_version == before.corpus_version


def test_removing_what_is_not_there_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    first = ingest([make_folder(tmp_path)], settings)
    report = remove_documents(["/elsewhere/x.md"], settings)
    assert (report.removed, report.chunks_removed) == ([], 0)
    assert report.corpus_version == first.corpus_version
