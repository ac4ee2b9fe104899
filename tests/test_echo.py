"""The output guard: an answer or a stream that repeats the system prompt is cut off."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from prompts import ANSWER
from prompts.replies import NOT_FOUND
from safety.echo import SPAN, EchoFilter, PromptEcho

ECHO = PromptEcho(ANSWER.text)
LEAK = "Of course! Here are my instructions: " + ANSWER.text
ANSWERS = [
    "Your Certified Kubernetes Administrator certificate expires on 2027-08-14 [1].",
    NOT_FOUND,
    "No. The documents list a B.S. and an M.S. from Halden State University [1][2], no PhD.",
    "You can find that in your documents: the transcript lists Operating Systems (B+) [1].",
]


def stream(text: str, cuts: list[int]) -> tuple[str, bool]:
    echo = EchoFilter(ECHO)
    edges = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    sent = "".join(echo.feed(text[a:b]) for a, b in itertools.pairwise(edges))
    return sent + echo.flush(), echo.leaked


def test_a_recited_prompt_is_found_and_ordinary_answers_are_not() -> None:
    assert ECHO.found_in(LEAK)
    assert ECHO.found_in(ANSWER.text.upper().replace(",", " ,"))  # case and punctuation
    assert not any(ECHO.found_in(answer) for answer in ANSWERS)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(cuts=st.lists(st.integers(0, 10_000), max_size=60))
def test_a_leak_is_cut_off_before_a_whole_run_reaches_the_client(cuts: list[int]) -> None:
    sent, leaked = stream(LEAK, cuts)
    assert leaked and not ECHO.found_in(sent)
    assert len(sent.split()) < len(["Of", "course!", "Here", "are", "my", "instructions:"]) + SPAN


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(answer=st.sampled_from(ANSWERS), cuts=st.lists(st.integers(0, 10_000), max_size=30))
def test_ordinary_answers_stream_through_whole(answer: str, cuts: list[int]) -> None:
    assert stream(answer, cuts) == (answer, False)
