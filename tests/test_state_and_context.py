"""Per-turn state, the run-time context and the fixed replies: one definition each."""

from typing import get_type_hints

import pytest

from core.settings import Settings
from graph.context import Context
from graph.state import Answer, TurnState, empty_turn, to_answer
from prompts import ANSWER, REMINDER, REWRITE, reminder_for
from prompts.replies import NOT_FOUND, says_not_found


def test_every_per_turn_field_is_reset_to_an_empty_value() -> None:
    fresh = empty_turn()
    assert set(fresh) == set(get_type_hints(TurnState))
    assert fresh["documents"] == [] and fresh["answer"] == "" and fresh["outcome"] is None
    assert "messages" not in fresh  # the conversation is kept across turns


def test_a_per_turn_field_without_an_empty_value_is_refused() -> None:
    from graph import state

    class Broken(TurnState, total=False):
        retries: int

    with pytest.raises(TypeError, match="empty value"):
        {name: state._empty(hint) for name, hint in get_type_hints(Broken).items()}


def test_the_output_shape_keeps_only_what_clients_see() -> None:
    values = {"answer": "A [1].", "citations": [], "outcome": "answered", "documents": [{}]}
    assert to_answer(values) == Answer(answer="A [1].", citations=[], outcome="answered", reason="")


def test_context_comes_from_settings() -> None:
    settings = Settings.from_env({"RAG_TOP_K": "7", "RAG_RELEVANCE_FLOOR": "0.4"})
    ctx = Context.from_settings(settings)
    assert (ctx.top_k, ctx.relevance_floor) == (7, 0.4)
    assert Context() == Context.from_settings(Settings())  # one set of defaults


def test_prompt_version_names_the_prompt_text_actually_used() -> None:
    shipped = Context().prompt_version
    assert shipped == f"{ANSWER.fingerprint}+{REMINDER.fingerprint}+{REWRITE.fingerprint}"
    assert shipped.startswith("answer.v2-")
    edited = Context(answer_prompt=ANSWER.text + "\nAlways answer in French.").prompt_version
    assert edited != shipped and edited.startswith("answer.edited-")
    assert edited.endswith(f"+{REWRITE.fingerprint}")


def test_the_answer_prompt_asks_for_the_exact_not_found_reply() -> None:
    assert f'"{NOT_FOUND}"' in ANSWER.text and "{not_found}" not in ANSWER.text


@pytest.mark.parametrize(
    "reply",
    [
        NOT_FOUND,
        "Sorry, I cannot find that in your documents.",
        "I can\u2019t find that in your files.",
        "The documents do not mention your birthplace. You grew up in Port Aldous [2].",
        "There is no information about your salary in the documents.",
        "Your date of birth is not mentioned in the documents provided.",
        "The provided documents don't specify a home address.",
    ],
)
def test_not_found_replies_are_recognised_however_written(reply: str) -> None:
    assert says_not_found(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "Your CKA expires on 2027-08-14 [1].",
        "No. You have an MSc in Health Informatics [1]; a law degree is not listed.",
        "You worked at Calder Valley [1]. The unit had 32 beds [2].",
    ],
)
def test_an_answer_is_not_a_not_found_reply(reply: str) -> None:
    assert not says_not_found(reply)


def test_each_kind_of_question_has_its_reminder() -> None:
    kinds = {reminder_for(REMINDER.text, k) for k in ("answer", "yes_no", "list")}
    assert len(kinds) == 3  # three different lines
    assert reminder_for(REMINDER.text, "unknown") == reminder_for(REMINDER.text, "answer")
