"""Windows: a chunk's lines embedded beside it, so one line of a long section is found."""

from dataclasses import replace
from pathlib import Path

from core.settings import Settings
from knowledge.ingest import ingest, record_manager
from knowledge.layout import DataLayout
from knowledge.retriever import HybridRetriever
from knowledge.windows import chunk_of, chunk_scores, window_id, windows

JOURNAL = """# Journal 2024

## Spring

Moved the team to the new office on the third floor; the kitchen is still unfinished.
Finished reading two novels and started a pottery class on Thursday evenings.
Planted tomatoes, basil and chillies on the balcony, most of them survived the frost.

Went to the dentist for a check-up; no cavities this time.
The garage replaced the brakes and the timing belt on the old car.
Gave blood at the donor centre in March.
My donor card says blood type O negative.
Booked a week in Lisbon for June with my sister and her two children.

Repainted the hallway in a pale green and fixed the squeaky stairs.
Joined the five-a-side football league at work; we lost every match.
Sold the old bicycle and bought a second-hand kayak for the summer.
"""

HEALTH = """# Health record

## Check-ups

Yearly check-up at the surgery: blood pressure and blood tests normal.
"""


def test_a_short_body_is_its_own_window() -> None:
    assert windows("One line.\nAnd another short one.") == []


def test_windows_cut_at_line_ends_and_keep_every_word_in_order() -> None:
    lines = [f"line {n} has exactly six words" for n in range(10)]  # 6 words each
    pieces = windows("\n".join(lines), words=20)
    assert pieces == ["\n".join(lines[i : i + 3]) for i in (0, 3, 6)] + [lines[9]]


def test_a_line_longer_than_a_window_is_cut_at_sentence_ends() -> None:
    sentences = [f"Sentence {n} has five words." for n in range(6)]
    pieces = windows(" ".join(sentences), words=10)
    assert pieces == [" ".join(sentences[i : i + 2]) for i in (0, 2, 4)]


def test_a_window_id_names_its_chunk() -> None:
    assert chunk_of(window_id("abc123", 4)) == "abc123"
    assert chunk_of("abc123") == "abc123"


def test_chunk_scores_mix_own_and_best_window() -> None:
    hits = [("a#1", 0.9), ("b", 0.8), ("a", 0.4), ("a#0", 0.5), ("c", 0.3)]
    scores = dict(chunk_scores(hits, windowed={"a"}, weight=0.5))
    assert scores["a"] == 0.5 * 0.4 + 0.5 * 0.9
    assert scores["b"] == 0.8  # no windows: its own vector is its window
    assert [c for c, _ in chunk_scores(hits, {"a"}, 0.0)] == ["b", "a", "c"]
    assert [c for c, _ in chunk_scores(hits, {"a"}, 0.5)] == ["b", "a", "c"]
    assert [c for c, _ in chunk_scores(hits, {"a"}, 1.0)] == ["a", "b", "c"]


def test_a_part_the_search_did_not_reach_counts_as_the_lowest_hit() -> None:
    # "d" has windows, but only its own vector was among the hits; "e" only a window
    hits = [("d", 0.7), ("e#2", 0.6), ("f", 0.2)]
    scores = dict(chunk_scores(hits, windowed={"d", "e"}, weight=0.5))
    assert scores["d"] == 0.5 * 0.7 + 0.5 * 0.2
    assert scores["e"] == 0.5 * 0.2 + 0.5 * 0.6


def write(folder: Path) -> Path:
    folder.mkdir()
    (folder / "journal.md").write_text(JOURNAL)
    (folder / "health.md").write_text(HEALTH)
    return folder


def test_a_line_of_a_long_section_is_found_by_its_window(
    tmp_path: Path, settings: Settings
) -> None:
    ingest([write(tmp_path / "docs")], settings)
    question = "What is my blood type?"

    def first(weight: float) -> str:
        retriever = HybridRetriever(replace(settings, window_weight=weight))
        (best, _), *_ = retriever.dense(question, 5)
        return retriever.corpus.by_id[best].heading

    # The journal's one vector is the mean of a dozen lines about other things; the health
    # record's short section about blood tests is nearer, but does not say the blood type.
    assert first(0.0) == "Health record > Check-ups"
    assert first(settings.window_weight) == "Journal 2024 > Spring"


def test_ingest_stores_windows_and_removes_them_with_their_chunk(
    tmp_path: Path, settings: Settings
) -> None:
    folder = write(tmp_path / "docs")
    report = ingest([folder], settings)
    retriever = HybridRetriever(settings)
    journal = next(c for c in retriever.corpus.chunks if c.heading == "Journal 2024 > Spring")
    window_ids = {window_id(journal.chunk_id, n) for n in range(len(windows(journal.text)))}
    assert report.windows_embedded == len(window_ids) == 4
    chunk_ids = {c.chunk_id for c in retriever.corpus.chunks}
    assert set(retriever.store.get()["ids"]) == chunk_ids | window_ids
    assert retriever.corpus.vector_ids == chunk_ids | window_ids

    assert ingest([folder], settings).windows_embedded == 0  # nothing new to embed

    (folder / "journal.md").unlink()
    ingest([folder], settings)
    assert set(HybridRetriever(settings).store.get()["ids"]) == chunk_ids - {journal.chunk_id}


def test_a_corpus_ingested_before_windows_gets_them_on_its_next_ingest(
    tmp_path: Path, settings: Settings
) -> None:
    folder = write(tmp_path / "docs")
    ingest([folder], settings)
    store = HybridRetriever(settings).store
    records = record_manager(DataLayout(settings.data_dir), settings.collection_name)
    old = [i for i in store.get()["ids"] if chunk_of(i) != i]
    store.delete(old)
    records.delete_keys(old)

    report = ingest([folder], settings)
    assert (report.chunks_embedded, report.windows_embedded) == (0, len(old))
    assert set(old) <= set(HybridRetriever(settings).store.get()["ids"])
