"""The fixed sentences users read, and the one test for "the documents don't say".

The answer prompt quotes ``NOT_FOUND`` (``{not_found}`` in its text), so the model is asked for
exactly that sentence; small models phrase it their own way anyway ("The documents do not
mention…", "There is no information about…"), so ``says_not_found`` recognises those too.
"""

from __future__ import annotations

import re

NOT_FOUND = "I can't find that in your documents."
REFUSAL = (
    "Sorry, I can't help with that request. I can answer questions about your documents — "
    "for example your experience, education, grades or certificates."
)
SEARCH_UNAVAILABLE = "Sorry, I can't search your documents right now. Please try again shortly."
PASSAGES_ONLY = "I can't write a full answer right now. The most relevant passages I found:"

# The ways a model says the documents do not hold the answer (after "cannot" -> "can't" and
# "do not" -> "don't").
_NOT_FOUND = re.compile(
    r"can't find|couldn't find|could not find|unable to find|can't answer|don't know"
    r"|\b(?:don't|doesn't|didn't)\s+(?:\w+\s+){0,2}?"
    r"(?:mention|contain|include|provide|say|state|specify|list|show|have|give|indicate)"
    r"|\bno (?:information|mention|details|record|data|indication)\b"
    r"|\bnot (?:mentioned|found|provided|specified|stated|available|included|listed|given"
    r"|indicated|documented)\b"
    r"|\bthere (?:is|are) no\b|\bnothing (?:in|about)\b"
)


def _plain(text: str) -> str:
    lowered = text.lower().replace("\u2019", "'").replace("cannot", "can't")
    for full, short in (("do not", "don't"), ("does not", "doesn't"), ("did not", "didn't")):
        lowered = lowered.replace(full, short)
    return lowered


def says_not_found(answer: str) -> bool:
    """Whether ``answer`` (or its first sentence) says the documents do not hold the answer."""
    first = re.split(r"(?<=[.!?])\s+", answer.strip(), maxsplit=1)[0]
    return bool(_NOT_FOUND.search(_plain(first)))
