"""The personal-documents lexicon: first-person questions get the documents' words for what they
ask about, on the keyword leg only; other text is searched as written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.settings import QueryExpansion, Settings
from knowledge.abbreviations import Abbreviations
from knowledge.ingest import ingest
from knowledge.lexicon import document_words, is_personal
from knowledge.retriever import HybridRetriever, leg_queries


@pytest.mark.parametrize(
    "question",
    [
        "Do I have a law degree?",
        "List every employer I've had.",
        "how big is the budget I manage",
        "What did we decide about logging?",
        "where did i study",
        "When does my licence expire?",
    ],
)
def test_first_person_questions_are_personal(question: str) -> None:
    assert is_personal(question)


@pytest.mark.parametrize(
    "text",
    [
        "Blocking respiratory complex I proteins ND3 and ND6 increases neuronal loss.",
        "Human T-lymphotropic virus type-I-associated myelopathy",
        "Tumour grade predicts survival in the current cohort.",
        "Which database does Harbor Deck use?",
    ],
)
def test_other_text_is_not(text: str) -> None:
    assert not is_personal(text)
    assert document_words(text) == ""


def test_each_concept_asked_about_adds_its_document_words_once() -> None:
    words = document_words("Which certs have I let expire, and which degree do I hold?").split()
    assert {"certificate", "credential", "expiration", "valid", "education", "bachelor"} <= set(
        words
    )
    assert len(words) == len(set(words))
    assert document_words("What is my name?") == ""


def test_leg_queries_per_mode() -> None:
    abbreviations = Abbreviations()
    abbreviations.add("PMP", "Project Management Professional")
    question = "When does my PMP expire?"
    assert leg_queries(question, "none", abbreviations) == (question, question)
    keyword, dense = leg_queries(question, "personal", abbreviations)
    assert dense == question
    assert "Project Management Professional" in keyword and "expiration" in keyword
    both = leg_queries(question, "both", abbreviations)
    assert both[0] == both[1] == keyword
    third_person = "When does the PMP expire?"
    assert leg_queries(third_person, "personal", abbreviations) == (third_person, third_person)
    assert (
        "Project Management Professional" in leg_queries(third_person, "keyword", abbreviations)[0]
    )


def test_the_keyword_leg_finds_the_experience_section_by_its_own_word(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "cv.md").write_text(
        "# Mara Olsen\n\n## Experience\n\nNordlys Freight AS, Bergen: logistics planner, 2019-2024."
        "\n\nHavbris Shipping: dispatcher, 2015-2019.\n\n## Hobbies\n\nSailing and chess.\n",
        encoding="utf-8",
    )
    (corpus / "reading.md").write_text(
        "# Reading notes\n\nBooks I read in 2023: Dune, Middlemarch, The Years.\n", encoding="utf-8"
    )
    settings = Settings.from_env(data_dir=tmp_path / "data", chroma_host=None)
    ingest([corpus], settings)
    question = "List every employer I've had."

    def keyword_headings(mode: QueryExpansion) -> list[str]:
        retriever = HybridRetriever(replace(settings, query_expansion=mode))
        keyword_query, _ = retriever.queries(question)
        return [
            retriever.corpus.by_id[cid].heading for cid, _ in retriever.keyword(keyword_query, 3)
        ]

    assert keyword_headings("personal")[0] == "Mara Olsen > Experience"
    assert "Mara Olsen > Experience" not in keyword_headings("none")
