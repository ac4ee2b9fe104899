"""Invented facts caught in code: numbers, dates in any format, names, against the passages."""

from evals.answer_checks import invented_facts
from nodes.grounding import keep_grounded


def ungrounded(answer: str, passages: list[str], question: str) -> list[str]:
    return keep_grounded(answer, passages, question)[1]


PASSAGES = [
    "- Expires: 14 June 2026\n- Certificate number: CPH-20-118842",
    "valid_through: 2026-03-04",
    "Cumulative GPA: 3.83   Cumulative credits: 45.0",
    "Pennine Moor Teaching Hospitals NHS Trust (go-live 05.08.2024)",
    "Trained 1,240 users at Calder Valley.",
]
QUESTION = "When does my CPHIMS expire?"


def test_facts_written_in_another_format_are_supported() -> None:
    for answer in [
        "Your CPHIMS expires on 14 June 2026 [1].",
        "It expires on 2026-06-14 [1].",  # ISO for "14 June 2026"
        "It expires in June 2026.",  # month and year of a day the passage gives
        "The other one expires on 4 March 2026 [2].",
        "You earned 45 credits with a GPA of 3.83.",  # 45 is 45.0
        "It went live on 5 August 2024 at Pennine Moor [4].",  # 05.08.2024, day first
        "You trained 1240 users at Calder Valley.",
    ]:
        assert ungrounded(answer, PASSAGES, QUESTION) == [], answer


def test_numbers_dates_and_names_in_no_passage_are_caught() -> None:
    assert ungrounded("It expires on 14 June 2027.", PASSAGES, QUESTION) == ["14 June 2027"]
    assert ungrounded("Your salary is USD 12,000 a month.", PASSAGES, QUESTION) == [
        "12,000",
        "USD",
    ]
    assert ungrounded("You were born in Toronto.", PASSAGES, QUESTION) == ["Toronto"]
    # What the question itself names is not invented.
    assert ungrounded("Your CPHIMS expires on 14 June 2026.", PASSAGES, QUESTION) == []


def test_only_the_sentences_with_invented_facts_are_removed() -> None:
    answer = "Your CPHIMS expires on 14 June 2026 [1]. You renewed it in Toronto in 2019."
    kept, removed = keep_grounded(answer, PASSAGES, QUESTION)
    assert kept == "Your CPHIMS expires on 14 June 2026 [1]."
    assert removed == ["2019", "Toronto"]


def test_the_evals_own_check_agrees_on_the_clear_cases() -> None:
    assert invented_facts("It expires on June 14, 2026 [1].", PASSAGES, QUESTION) == []
    assert invented_facts("Your salary is USD 12,000.", PASSAGES, QUESTION) == ["12000"]
    assert invented_facts("You were born in Toronto, Canada.", PASSAGES, QUESTION) == [
        "Toronto",
        "Canada",
    ]
