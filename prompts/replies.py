"""The fixed sentences users read, and the one test for "the documents don't say".

The answer prompt quotes ``NOT_FOUND`` (``{not_found}`` in its text), so the model is asked for
exactly the sentence that ``says_not_found`` recognises and that the graph itself replies with.
"""

from __future__ import annotations

NOT_FOUND = "I can't find that in your documents."
REFUSAL = (
    "Sorry, I can't help with that request. I can answer questions about your documents — "
    "for example your experience, education, grades or certificates."
)
SEARCH_UNAVAILABLE = "Sorry, I can't search your documents right now. Please try again shortly."
PASSAGES_ONLY = "I can't write a full answer right now. The most relevant passages I found:"

# What a model's not-found reply contains, whether it writes "can't" or "cannot".
_NOT_FOUND_CORE = "can't find that in your"


def says_not_found(answer: str) -> bool:
    lowered = answer.lower().replace("cannot", "can't").replace("\u2019", "'")
    return _NOT_FOUND_CORE in lowered
