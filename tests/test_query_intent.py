"""List and yes/no questions told apart by their wording."""

import pytest

from knowledge.query_intent import expected_answer, is_list_question, is_polar_question


@pytest.mark.parametrize(
    "question",
    [
        "List every employer I've had.",
        "Which certifications do I currently hold?",
        "Which of my certs expire in 2026?",
        "What open-source projects do I have?",
        "At which events have I given talks?",
        "What languages do I speak?",
    ],
)
def test_list_questions(question: str) -> None:
    assert is_list_question(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is my current job title?",
        "What was my cumulative GPA after Fall 2011?",
        "Which Kubernetes distribution does my home lab run?",  # a name, not a plural
        "What exactly does WardWatch predict?",
    ],
)
def test_single_answer_questions(question: str) -> None:
    assert not is_list_question(question)


def test_yes_no_questions() -> None:
    assert is_polar_question("Do I have a law degree?")
    assert is_polar_question("Was I a charge nurse at Calder Valley?")
    assert not is_polar_question("Where was I born?")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When does my CKA expire?", "date"),
        ("Since when have I lived in Leeds?", "date"),
        ("In what year did I graduate?", "date"),
        ("How many credits was my final year project worth?", "number"),
        ("How much am I paid at Ravensworth?", "number"),
        ("What's my CILT membership number?", "number"),
        ("Where was I born?", None),
        ("Which certifications do I hold?", None),
        ("How good is my Swedish?", None),  # a level, not a quantity
        ("Do I know when my CKA expires?", None),  # yes/no: answered by "No. …" as well
    ],
)
def test_what_an_answer_must_contain(question: str, kind: str | None) -> None:
    assert expected_answer(question) == kind
