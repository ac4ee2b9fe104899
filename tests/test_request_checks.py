"""The request checks shared by the LangServe and REST routes: each refusal is a 422 that says
what is wrong."""

import pytest
from fastapi import HTTPException

from core.settings import Settings
from server.request_checks import (
    check_question,
    check_session_id,
    questions_in,
    session_ids_in,
)

SETTINGS = Settings()


def refusal(check, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(HTTPException) as caught:
        check(*args)
    assert caught.value.status_code == 422
    return str(caught.value.detail)


def test_session_ids() -> None:
    assert check_session_id("abc-123_X") == "abc-123_X"
    assert "missing session" in refusal(check_session_id, None)
    assert "invalid session id" in refusal(check_session_id, "bad id!")
    assert "invalid session id" in refusal(check_session_id, "a" * 65)


def test_questions_are_stripped_or_refused_with_the_field_name() -> None:
    assert check_question("  What is my GPA?  ", SETTINGS) == "What is my GPA?"
    assert refusal(check_question, 42, SETTINGS) == 'input must be {"question": "..."}'
    assert refusal(check_question, "hi", SETTINGS, "query").startswith("query is too short")


def test_every_question_and_session_of_a_body_is_found() -> None:
    single = {"input": {"question": "q1"}, "config": {"configurable": {"thread_id": "s1"}}}
    assert (questions_in(single), session_ids_in(single)) == (["q1"], ["s1"])
    batch = {
        "inputs": [{"question": "q1"}, "not an object"],
        "config": [{"configurable": {"thread_id": "s1"}}, {"configurable": {}}],
    }
    assert (questions_in(batch), session_ids_in(batch)) == (["q1", None], ["s1", None])
    assert (questions_in({}), session_ids_in({})) == ([None], [None])
