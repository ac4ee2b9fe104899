"""Deterministic checks of an answer against the case: expected facts, forbidden phrases, citations.

Ragas' ``StringPresence`` is a case-sensitive substring test; an LLM writes the same fact in many
ways ("2027-08-14" / "August 14, 2027", "1,240" / "1240", "31%" / "31 percent"), so facts are
compared after normalising both sides. Not handled: numeric dates such as 08/14/2027 (ambiguous
between US and European order), spelled-out numbers ("eleven"), and paraphrases — those count as
misses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from evals.references import same_file

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(\d{{4}})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b")
_CITATION = re.compile(r"\[\d{1,3}\]")
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "−": "-", "’": "'", "‘": "'"})


def _iso(year: str, month: str, day: str) -> str:
    return f"{year}-{_MONTHS[month]:02d}-{int(day):02d}"


def normalise(text: str) -> str:
    text = _CITATION.sub("", text.lower().translate(_DASHES))
    text = text.replace("“", '"').replace("”", '"')
    text = _MONTH_DAY_YEAR.sub(lambda m: _iso(m[3], m[1], m[2]), text)
    text = _DAY_MONTH_YEAR.sub(lambda m: _iso(m[3], m[2], m[1]), text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,240 -> 1240
    text = re.sub(r"(\d)\s*(?:%|percent\b|per cent\b)", r"\1%", text)
    return " ".join(text.split())


def contains_fact(answer: str, fact: str) -> bool:
    """Normalised containment; a fact edge that is a letter or digit must be a word edge, so
    "11" does not match inside "2011"."""
    wanted = normalise(fact)
    if not wanted:
        return True
    before = r"(?<![0-9a-z])" if wanted[0].isalnum() else ""
    after = r"(?![0-9a-z])" if wanted[-1].isalnum() else ""
    return re.search(before + re.escape(wanted) + after, normalise(answer)) is not None


def fact_recall(answer: str, facts: Sequence[str]) -> float:
    if not facts:
        raise ValueError("fact recall needs at least one expected fact")
    return sum(contains_fact(answer, f) for f in facts) / len(facts)


def violations(answer: str, forbidden: Iterable[str]) -> list[str]:
    """Forbidden phrases present in the answer (case-insensitive: leaking "paris" is a leak)."""
    lowered = answer.lower()
    return [phrase for phrase in forbidden if phrase.lower() in lowered]


def strip_citations(answer: str) -> str:
    """The answer without ``[n]`` markers, which reference answers never have."""
    return " ".join(_CITATION.sub("", answer).split())


def cites_a_reference(citations: Sequence[dict[str, Any]], sources: Iterable[str]) -> bool:
    """Whether any cited passage comes from a file the reference contexts name."""
    wanted = list(sources)
    return any(same_file(str(c.get("source", "")), s) for c in citations for s in wanted)


_NUMBER = re.compile(r"\d+(?:[.,:-]\d+)*")
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:[- ][A-Z][a-z]+)*")


def invented_facts(answer: str, passages: Sequence[str], question: str) -> list[str]:
    """Numbers, dates and mid-sentence names in the answer found in no passage nor the question.

    Written apart from the product's own check (``nodes.grounding``), on this module's
    normalisation, so the eval does not grade the product with the product's code."""
    sources = normalise("\n".join([*passages, question]))
    said = normalise(strip_citations(answer))
    facts = [
        n
        for n in _NUMBER.findall(said)
        if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", sources)
    ]
    names = [
        n
        for n in _NAME.findall(strip_citations(answer))
        if n.lower() not in sources and n.lower() not in _MONTHS
    ]
    return facts + names
