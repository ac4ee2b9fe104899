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
        ("Transcript",),  # the front-matter fields: content too, searchable and citable
        ("Transcript", "Fall 2021"),
        ("Transcript", "Spring 2022", "Electives"),
    ]
    assert "issued: 2024-06-01" in doc.sections[0].text
    assert "title:" not in doc.sections[0].text  # the title is every chunk's identity already


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


def test_yaml_records_keep_their_fields_together_one_record_per_chunk(tmp_path: Path) -> None:
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
    cka, aws = chunk_document(doc, max_words=200)
    assert cka.text.splitlines() == [
        "name: Certified Kubernetes Administrator",
        "issuer: The Linux Foundation",
        "expires: 2027-08-14",
    ]
    # Named after its record, never mixed with a neighbour: a record's fields are found together.
    assert cka.heading == "Certificates > certificates > Certified Kubernetes Administrator"
    assert aws.heading_path[-1] == "AWS Solutions Architect" and "Linux" not in aws.text


def test_every_chunk_carries_its_documents_title(tmp_path: Path) -> None:
    sibling = "# {h1}\n\n## Expiration Information\n\n- Expires: {date}\n"
    a = write(
        tmp_path,
        "pmp.md",
        "---\ntitle: PMP certificate\n---\n" + sibling.format(h1="PMP", date="2027"),
    )
    b = write(tmp_path, "cphims.md", sibling.format(h1="Certificate: CPHIMS", date="2026"))
    (pmp,) = [c for c in chunk_document(load(a, 10_000), 100) if "Expires" in c.text]
    (cphims,) = chunk_document(load(b, 10_000), 100)
    # The title leads (an H1 the title already contains is not repeated), then the headings.
    assert pmp.heading == "PMP certificate > Expiration Information"
    assert cphims.heading == "Certificate: CPHIMS > Expiration Information"
    assert pmp.indexed_text().startswith("PMP certificate > Expiration Information\n")
    assert pmp.chunk_id != cphims.chunk_id


def test_plain_text_headings_become_the_heading_path(tmp_path: Path) -> None:
    text = (
        "Jane Doe\nNurse\n\nExperience\n\nWard 4\nCharge nurse.\n\n== Code Club ==\nMentor.\n\n"
        "PRACTICE HOURS\n450 hours.\nHIMSS\n"
    )
    doc = load(write(tmp_path, "profile.txt", text), 10_000)
    assert [(s.heading_path, s.text.splitlines()[0]) for s in doc.sections] == [
        (("Profile",), "Jane Doe"),
        (("Profile", "Experience"), "Ward 4"),
        (("Profile", "Code Club"), "Mentor."),
        (("Profile", "PRACTICE HOURS"), "450 hours."),  # one capitalised word is an acronym
    ]


def test_pdf_pages_are_kept(tmp_path: Path) -> None:
    from tests.pdfs import write_pdf

    path = write_pdf(tmp_path / "awards.pdf", ["Dean's list 2019", "Best paper award 2023"])
    doc = load(path, 1_000_000)
    chunks = chunk_document(doc, 100)
    assert [(c.page, c.text) for c in chunks] == [
        (1, "Dean's list 2019"),
        (2, "Best paper award 2023"),
    ]


def test_pdf_headings_come_from_bold_larger_type_and_carry_over_pages(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Transcript - Jane Doe")
    pdf.add_page()
    for style, size, line in [
        ("B", 16, "KESTREL BAY UNIVERSITY"),
        ("B", 12, "Fall 2009"),
        ("", 10, "NURS 1010 Foundations 3.0 A-"),
        ("", 10, "Term GPA: 3.50"),
        ("B", 10, "Signed"),  # bold at body size: emphasis, not a heading
        ("B", 12, "Winter 2010"),
        ("", 10, "NURS 1020 Health Assessment 3.0 A"),
    ]:
        pdf.set_font("helvetica", style, size)
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("helvetica", "", 10)
    pdf.cell(0, 8, "Term GPA: 3.75", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "t.pdf"
    pdf.output(str(path))
    doc = load(path, 1_000_000)
    root = ("Transcript - Jane Doe", "KESTREL BAY UNIVERSITY")
    assert [(s.heading_path, s.page, s.text.splitlines()[0]) for s in doc.sections] == [
        ((*root, "Fall 2009"), 1, "NURS 1010 Foundations 3.0 A-"),
        ((*root, "Winter 2010"), 1, "NURS 1020 Health Assessment 3.0 A"),
        ((*root, "Winter 2010"), 2, "Term GPA: 3.75"),
    ]
    assert "Signed" in doc.sections[0].text
