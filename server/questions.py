"""What a question (or any free text a client sends) may look like: length, no control
characters, no repeated-word spam. Pure rules; ``server.request_checks`` turns them into 4xx."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import groupby

from core.settings import Settings

_ALLOWED_CONTROLS = frozenset("\t\n\r")
# Letter runs only: numbers, code and tables legitimately repeat ("0 0 0 0"), words rarely do.
_WORD = re.compile(r"[^\W\d_]+")

MAX_SAME_WORD_RUN = 20  # "buy buy buy ..." 20 times in a row
MIN_WORDS_FOR_SHARE = 10
MAX_TOP_WORD_SHARE = 0.9  # of 10+ words, more than 90% are the same word
MIN_WORDS_FOR_VARIETY = 30
MIN_DISTINCT_SHARE = 0.1  # of 30+ words, at most 10% distinct: a phrase pasted over and over


class QuestionError(ValueError):
    """The question is refused; the message is meant for the person who asked."""


def control_character(text: str) -> str | None:
    """The first control character (other than tab and newlines) as ``U+XXXX``, or None."""
    for char in text:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs"):
            return f"U+{ord(char):04X}"
    return None


def validate_question(text: str, settings: Settings) -> str:
    """The question with surrounding whitespace removed, or ``QuestionError`` saying why not."""
    question = text.strip()
    if len(question) < settings.question_min_chars:
        raise QuestionError(
            f"question is too short: at least {settings.question_min_chars} characters"
        )
    if len(question) > settings.question_max_chars:
        raise QuestionError(
            f"question is too long: at most {settings.question_max_chars} characters "
            f"(this one has {len(question)})"
        )
    found = control_character(question)
    if found:
        raise QuestionError(f"question contains a control character ({found})")
    spam = _spam_reason(question)
    if spam:
        raise QuestionError(f"question looks like spam: {spam}")
    return question


def _spam_reason(question: str) -> str | None:
    words = [w.casefold() for w in _WORD.findall(question)]
    if not words:
        return None
    word, run = max(((w, len(list(g))) for w, g in groupby(words)), key=lambda wr: wr[1])
    if run >= MAX_SAME_WORD_RUN:
        return f"{word!r} repeated {run} times in a row"
    top, count = Counter(words).most_common(1)[0]
    if len(words) >= MIN_WORDS_FOR_SHARE and count / len(words) > MAX_TOP_WORD_SHARE:
        return f"{count} of its {len(words)} words are {top!r}"
    distinct = len(set(words))
    if len(words) >= MIN_WORDS_FOR_VARIETY and distinct / len(words) <= MIN_DISTINCT_SHARE:
        return f"only {distinct} different words in {len(words)}"
    return None
