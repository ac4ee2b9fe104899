"""Citation resolution and attribution: pure functions on hand-made passages."""

from typing import Any

from nodes.citations import attribute, resolve_citations

DOCS: list[dict[str, Any]] = [
    {"chunk_id": "c1", "source": "/corpus/certificates.yaml", "heading": "CKA", "page": None,
     "text": "name: Certified Kubernetes Administrator\nexpires: 2027-08-14"},
    {"chunk_id": "c2", "source": "/corpus/transcript.md", "heading": "Fall 2021", "page": 2,
     "text": "| CS 330 | Operating Systems | 4 | B+ |"},
]  # fmt: skip


def test_markers_pointing_at_shown_passages_become_citations_in_order_of_first_use() -> None:
    answer, citations = resolve_citations("Grade B+ [2], expiry 2027-08-14 [1][2].", DOCS)
    assert answer == "Grade B+ [2], expiry 2027-08-14 [1][2]."
    assert [(c["index"], c["chunk_id"]) for c in citations] == [(2, "c2"), (1, "c1")]
    assert citations[0] == {
        "index": 2, "chunk_id": "c2", "source": "/corpus/transcript.md",
        "heading": "Fall 2021", "page": 2,
    }  # fmt: skip


def test_markers_pointing_at_nothing_are_removed_with_their_spacing() -> None:
    answer, citations = resolve_citations("It expires on 2027-08-14 [1] . Also [7] [0].", DOCS)
    assert answer == "It expires on 2027-08-14 [1]. Also."
    assert [c["chunk_id"] for c in citations] == ["c1"]


def test_an_answer_without_markers_has_no_citations() -> None:
    assert resolve_citations("No markers here.", DOCS) == ("No markers here.", [])


def test_uncited_facts_are_attributed_to_the_passages_that_hold_them() -> None:
    answer, citations = attribute("Your CKA expires on 2027-08-14.", DOCS)
    assert answer == "Your CKA expires on 2027-08-14. [1]"
    assert [c["chunk_id"] for c in citations] == ["c1"]


def test_nothing_is_attributed_when_no_fact_can_be_traced() -> None:
    assert attribute("You like infrastructure work.", DOCS) == ("You like infrastructure work.", [])
    assert attribute("It expires on 2031-01-01.", DOCS) == ("It expires on 2031-01-01.", [])
