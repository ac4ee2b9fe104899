from pathlib import Path

from knowledge.chunking import chunk_document
from knowledge.documents import LoadedDocument, Section
from knowledge.loaders import load

TRANSCRIPT = """---
title: Transcript
doc_type: transcript
issued: 2024-06-01
tags: [school, grades]
---
# Transcript

## Fall 2021

| Code | Course | Grade |
|---|---|---|
| CS 301 | Operating Systems | B |
| CS 302 | Databases | A |

Term GPA: 3.50

## Spring 2022

### Electives

Grade: B+ in Compilers.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_becomes_metadata_and_headings_form_paths(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "transcript.md", TRANSCRIPT), max_bytes=10_000)
    assert doc.metadata["doc_type"] == "transcript"
    assert doc.metadata["issued"] == "2024-06-01"
    assert doc.metadata["tags"] == "school, grades"
    paths = [s.heading_path for s in doc.sections]
    assert paths == [
        ("Transcript", "Fall 2021"),
        ("Transcript", "Spring 2022", "Electives"),
    ]


def test_a_grade_stays_with_its_course_and_term(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "transcript.md", TRANSCRIPT), max_bytes=10_000)
    chunks = chunk_document(doc, max_words=200)
    os_chunk = next(c for c in chunks if "Operating Systems" in c.text)
    assert "| CS 301 | Operating Systems | B |" in os_chunk.text
    assert os_chunk.heading == "Transcript > Fall 2021"
    assert os_chunk.indexed_text().startswith("Transcript > Fall 2021\n")
    electives = next(c for c in chunks if "Compilers" in c.text)
    assert electives.heading_path == ("Transcript", "Spring 2022", "Electives")


def test_a_long_table_is_split_by_rows_and_repeats_its_header() -> None:
    rows = "\n".join(f"| C{i} | Course number {i} with a long name | B |" for i in range(40))
    text = "| Code | Course | Grade |\n|---|---|---|\n" + rows
    doc = LoadedDocument("t.md", [Section(("T", "Fall"), text)])
    chunks = chunk_document(doc, max_words=60)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.text.startswith("| Code | Course | Grade |\n|---|---|---|")
    body_rows = [line for c in chunks for line in c.text.splitlines()[2:]]
    assert body_rows == rows.splitlines()  # every row exactly once, in order


def test_a_long_paragraph_is_split_without_losing_words() -> None:
    text = " ".join(f"Sentence number {i} ends here." for i in range(100))
    doc = LoadedDocument("p.txt", [Section(("P",), text)])
    chunks = chunk_document(doc, max_words=50)
    assert all(len(c.text.split()) <= 50 for c in chunks)
    assert " ".join(c.text for c in chunks).split() == text.split()


def test_chunk_ids_are_stable_and_content_addressed(tmp_path: Path) -> None:
    path = write(tmp_path, "transcript.md", TRANSCRIPT)
    first = chunk_document(load(path, 10_000), 200)
    again = chunk_document(load(path, 10_000), 200)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert len({c.chunk_id for c in first}) == len(first)

    write(tmp_path, "transcript.md", TRANSCRIPT.replace("Compilers", "Interpreters"))
    edited = chunk_document(load(path, 10_000), 200)
    changed = {c.chunk_id for c in edited} ^ {c.chunk_id for c in first}
    assert len(changed) == 2  # only the edited chunk's old and new id differ


def test_identical_text_under_one_heading_gets_distinct_ids() -> None:
    doc = LoadedDocument("d.md", [Section(("D",), "same"), Section(("D",), "same")])
    chunks = chunk_document(doc, 100)
    assert len({c.chunk_id for c in chunks}) == 2


def test_yaml_list_items_keep_their_fields_together(tmp_path: Path) -> None:
    yaml_text = """title: Certificates
doc_type: certificates
certificates:
  - name: Certified Kubernetes Administrator
    issuer: The Linux Foundation
    expires: 2027-08-14
  - name: AWS Solutions Architect
    issuer: Amazon Web Services
    expires: 2026-01-31
"""
    doc = load(write(tmp_path, "certs.yaml", yaml_text), 10_000)
    assert doc.metadata["doc_type"] == "certificates"
    chunks = chunk_document(doc, max_words=200)
    cka = next(c for c in chunks if "Kubernetes" in c.text)
    assert "expires: 2027-08-14" in cka.text
    assert "Amazon" not in cka.text  # one record per chunk, never mixed with a neighbour
    assert cka.heading_path == (
        "Certificates",
        "certificates",
        "Certified Kubernetes Administrator",
    )


def test_pdf_pages_are_kept(tmp_path: Path) -> None:
    from tests.pdfs import write_pdf

    path = write_pdf(tmp_path / "awards.pdf", ["Dean's list 2019", "Best paper award 2023"])
    doc = load(path, 1_000_000)
    chunks = chunk_document(doc, 100)
    assert [(c.page, c.text) for c in chunks] == [
        (1, "Dean's list 2019"),
        (2, "Best paper award 2023"),
    ]
