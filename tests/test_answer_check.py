"""What the model wrote -> what the user gets, on hand-made passages."""

from typing import Any

from nodes.answer_check import check_answer
from prompts.replies import NOT_FOUND

PASSAGES: list[dict[str, Any]] = [
    {"chunk_id": "c1", "source": "/c/cv.pdf", "heading": "CV > EDUCATION", "page": 2,
     "text": "MSc Health Informatics - Kestrel Bay University, 2018\nBScN (Nursing), 2013"},
    {"chunk_id": "c2", "source": "/c/linkedin.txt", "heading": "LinkedIn > About", "page": None,
     "text": "I grew up in Port Aldous, a lake town in Ontario."},
]  # fmt: skip


def test_a_cited_grounded_answer_is_answered() -> None:
    checked = check_answer("You have an MSc in Health Informatics [1].", PASSAGES, "Degrees?")
    assert checked.outcome == "answered"
    assert [c["chunk_id"] for c in checked.citations] == ["c1"]


def test_not_found_however_phrased_is_no_answer_even_with_a_nearby_fact() -> None:
    reply = "Your documents do not mention your birthplace. You grew up in Port Aldous [2]."
    checked = check_answer(reply, PASSAGES, "Where was I born?")
    assert (checked.outcome, checked.answer, checked.citations) == ("no_answer", NOT_FOUND, [])


def test_a_no_to_a_yes_no_question_with_what_the_documents_list_is_an_answer() -> None:
    reply = "Your documents don't list a law degree. They list an MSc in Health Informatics [1]."
    checked = check_answer(reply, PASSAGES, "Do I have a law degree?")
    assert checked.outcome == "answered" and checked.citations[0]["chunk_id"] == "c1"
    bare = check_answer("Your documents don't mention children.", PASSAGES, "Do I have kids?")
    assert bare.outcome == "no_answer"


def test_an_answer_with_only_invented_facts_is_refused() -> None:
    checked = check_answer("You were born in Toronto in 1990 [2].", PASSAGES, "Where was I born?")
    assert (checked.outcome, checked.reason) == ("no_answer", "unsupported_answer")


def test_an_answer_with_no_valid_citation_is_never_answered() -> None:
    uncited = check_answer("Yes, you do.", PASSAGES, "Do I have a degree?")
    assert (uncited.outcome, uncited.reason) == ("no_answer", "no_citation")
    # Uncited but traceable: attributed to the passage holding its name.
    traced = check_answer("You studied at Kestrel Bay University.", PASSAGES, "Where?")
    assert traced.outcome == "answered" and traced.answer.endswith("[1]")


def test_a_reply_of_citation_markers_alone_is_no_answer() -> None:
    checked = check_answer("[1][2]", PASSAGES, "What did I study?")
    assert (checked.outcome, checked.answer) == ("no_answer", NOT_FOUND)


def test_a_reply_without_the_date_or_number_asked_for_is_no_answer() -> None:
    # A nearby passage quoted instead of an answer: grounded and cited, but it says no "when".
    quoted = "I grew up in Port Aldous, a lake town in Ontario [2]."
    checked = check_answer(quoted, PASSAGES, "When did I move to Port Aldous?")
    assert (checked.outcome, checked.reason) == ("no_answer", "no_date_given")
    count = check_answer(quoted, PASSAGES, "How many years did I live in Ontario?")
    assert (count.outcome, count.reason) == ("no_answer", "no_number_given")
    dated = check_answer(
        "You finished your MSc in 2018 [1].", PASSAGES, "When did I finish my MSc?"
    )
    assert dated.outcome == "answered"
    # A denial answers a "when" too ("It does not expire").
    denied = check_answer("Your MSc has no end date [1].", PASSAGES, "When does my MSc expire?")
    assert denied.outcome == "answered"
