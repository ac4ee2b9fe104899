"""What kind of answer a question wants, read from its wording alone (no model call).

A list question ("Which certifications do I hold?", "List every employer") is answered from many
passages, often from several documents, so it is given more of them than a question with one
answer. A polar question ("Do I have a law degree?") can be answered "no" from what the documents
do list, where an open question ("Where was I born?") can only be answered or not found. A "when"
question wants a date and a "how many" question a number: a reply without one has not answered it.
"""

from __future__ import annotations

import re
from typing import Literal

AnswerKind = Literal["date", "number"]

_LIST_VERB = re.compile(r"^\s*(list|name|enumerate|give me all)\b", re.IGNORECASE)
_QUANTIFIER = re.compile(r"\b(every|all|each)\b", re.IGNORECASE)
# "which certifications", "what languages", "which of my certs", "what AI courses": a plural noun
# within the first few words of a which/what question.
_WH_PLURAL = re.compile(
    r"^\s*(?:at |in |on |from )?(which|what)\s+(?:of\s+my\s+|[\w-]+\s+){0,4}?([a-z]{3,}s)\b",
    re.IGNORECASE,
)
_NOT_PLURAL = frozenset(
    {"was", "has", "does", "is", "this", "his", "its", "plus", "status", "times", "less"}
)
_POLAR = re.compile(
    r"^\s*(do|does|did|have|has|had|am|is|are|was|were|can|could|will|would)\b", re.IGNORECASE
)
_WANTS_DATE = re.compile(
    r"^\s*(?:since\s+)?when\b|\b(?:what|which|in\s+what)\s+(?:date|year|month)\b", re.IGNORECASE
)
_WANTS_NUMBER = re.compile(
    r"\bhow\s+(?:many|much|long|old)\b|\b(?:salary|score|gpa|percentage|number)\b",
    re.IGNORECASE,
)


def is_list_question(question: str) -> bool:
    if _LIST_VERB.search(question) or _QUANTIFIER.search(question):
        return True
    match = _WH_PLURAL.search(question)
    # Lower case only: "Which Kubernetes distribution" names a thing, it does not ask for many.
    plural = match.group(2) if match else ""
    return plural.islower() and plural not in _NOT_PLURAL


def is_polar_question(question: str) -> bool:
    """A yes/no question: "Do I…?", "Was I…?", "Have I…?"."""
    return bool(_POLAR.search(question))


def expected_answer(question: str) -> AnswerKind | None:
    """What a wh-question's answer must contain, when its wording says ("When does my CKA
    expire?" -> a date; "How many credits…?", "What's my membership number?" -> a number)."""
    if is_polar_question(question):
        return None
    if _WANTS_DATE.search(question):
        return "date"
    if _WANTS_NUMBER.search(question):
        return "number"
    return None
