"""The personal-documents lexicon: first-person questions get the documents' words for what they
ask about, on the keyword leg only; other text is searched as written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.settings import QueryExpansion, Settings
from knowledge.abbreviations import Abbreviations
from knowledge.fusion import boosted
from knowledge.ingest import ingest
from knowledge.lexicon import document_words, is_personal
from knowledge.retriever import HybridRetriever, LegQueries, keyword_leg, leg_queries


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
    assert leg_queries(question, "none", abbreviations) == LegQueries(question, question, "")
    personal = leg_queries(question, "personal", abbreviations)
    assert personal.dense == question
    assert "Project Management Professional" in personal.keyword
    assert "expiration" in personal.lexicon and "expiration" not in personal.keyword
    both = leg_queries(question, "both", abbreviations)
    assert both.keyword == both.dense == personal.keyword
    third_person = "When does the PMP expire?"
    assert leg_queries(third_person, "personal", abbreviations) == LegQueries(
        third_person, third_person, ""
    )
    keyword = leg_queries(third_person, "keyword", abbreviations)
    assert "Project Management Professional" in keyword.keyword and keyword.lexicon == ""


def test_lexicon_hits_count_less_than_the_question_s_own() -> None:
    question_hits = [("a", 4.0), ("b", 1.0)]
    lexicon_hits = [("b", 4.0), ("c", 2.0)]
    assert boosted(question_hits, lexicon_hits, 0.5, 3) == [("a", 4.0), ("b", 3.0), ("c", 1.0)]
    assert boosted(question_hits, lexicon_hits, 0.5, 1) == [("a", 4.0)]


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
        legs = retriever.queries(question)
        hits = keyword_leg(retriever.keyword, legs, settings.lexicon_weight, 3)
        return [retriever.corpus.by_id[cid].heading for cid, _ in hits]

    assert keyword_headings("personal")[0] == "Mara Olsen > Experience"
    assert "Mara Olsen > Experience" not in keyword_headings("none")
