"""Spelling tolerance for the rules: misspelt attack words put back to the spelling the rules know.

"ignroe waht's before" and "disregrad your prior instructoins" are attacks the regexes would
miss by one or two letters. ``corrected`` replaces every word within a small Damerau-Levenshtein
distance of an attack keyword (same first letter, as typos rarely hit it) by that keyword; real
words that happen to sit that close ("forgot", "precious", "roles") are left alone. The rules then
check the corrected text as one more variant, so a correction alone never blocks anything: the
whole attack shape must still be there.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

KEYWORDS = (
    "ignore",
    "disregard",
    "forget",
    "neglect",
    "previous",
    "prior",
    "above",
    "earlier",
    "before",
    "everything",
    "instructions",
    "instruction",
    "directions",
    "guidelines",
    "rules",
    "prompt",
    "system",
    "what",
    "said",
    "told",
    "tasks",
)
# Real words within reach of a keyword (found by listing the words of the development sets that
# sit that close): never "corrected".
_REAL_WORDS = frozenset(
    (
        "forgot",
        "ignite",
        "ignites",
        "ignoble",
        "forge",
        "forged",
        "forges",
        "forger",
        "precious",
        "previously",
        "instructor",
        "instructors",
        "roles",
        "ruler",
        "rulers",
        "ruled",
        "runes",
        "rubes",
        "toll",
        "todd",
        "tole",
        "toad",
        "tola",
        "tanks",
        "talks",
        "tusks",
        "prion",
        "prier",
        "pryor",
        "abode",
        "slid",
        "skid",
        "sail",
        "sand",
        "wheat",
        "whet",
        "whit",
        "wham",
    )
)
# Chat spellings too short for the distance test.
_SHORT = {"al": "all", "ur": "your", "yr": "your", "u": "you", "teh": "the", "b4": "before"}
_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _word in KEYWORDS:
    _BY_FIRST[_word[0]] = (*_BY_FIRST.get(_word[0], ()), _word)

_WORD = re.compile(r"[^\W\d_]{4,}|\b(?:al|ur|yr|u|teh|b4)\b", re.IGNORECASE)


def _limit(keyword: str, word: str) -> int:
    # Two edits only for long words: short real words two edits from "forget" abound ("format").
    # "ignore" is the exception: few real words start with "ig" ("igmre", "ignroe" are typos).
    if keyword == "ignore" and word.startswith("ig"):
        return 2
    return 1 if len(keyword) <= 7 else 2


@lru_cache(maxsize=8192)
def _correction(word: str) -> str | None:
    """The keyword a lower-case word is a misspelling of, or None."""
    if word in _SHORT:
        return _SHORT[word]
    if word in _REAL_WORDS:
        return None
    best: tuple[int, str] | None = None
    for keyword in _BY_FIRST.get(word[0], ()):
        if word == keyword:
            return None
        limit = _limit(keyword, word)
        if abs(len(word) - len(keyword)) > limit:
            continue
        distance = DamerauLevenshtein.distance(word, keyword, score_cutoff=limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, keyword)
    return best[1] if best else None


def corrected(text: str) -> str | None:
    """``text`` with misspelt attack keywords fixed (chat spellings expanded), else None."""
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        fixed = _correction(match.group(0).lower())
        if fixed is None:
            return match.group(0)
        changed = True
        return fixed

    out = _WORD.sub(fix, text)
    return out if changed else None
