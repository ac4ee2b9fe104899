"""List and yes/no questions told apart by their wording."""

import pytest

from knowledge.query_intent import is_list_question, is_polar_question


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
