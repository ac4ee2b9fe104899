"""Facts in an answer that no passage shown to the model holds: caught in code, not trusted to the
prompt.

A fact is a number, a date or a name (a capitalised word inside a sentence). Dates are compared
as (year, month, day) whatever their format, since the documents write "2024-02-19", "19.02.2024"
and "19 February 2024" for the same day and the model may write any of them; numbers are compared
without thousands separators; names case-insensitively as whole words. The question counts as a
source too: repeating what the user asked about is not inventing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from knowledge.query_intent import AnswerKind

_MONTHS = {
    m: i
    for i, names in enumerate(
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
    for m in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4})"
_ISO = re.compile(rf"\b{_YEAR}-(\d{{1,2}})-(\d{{1,2}})\b")
_DMY_NUMERIC = re.compile(rf"\b(\d{{1,2}})[./](\d{{1,2}})[./]{_YEAR}\b")
_MY_NUMERIC = re.compile(rf"(?<![\d./])(\d{{1,2}})/{_YEAR}\b")
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
# Enough to tell that a reply names a time or a quantity at all ("in spring 2019", "twice"); every
# date format above has a year.
_WHEN = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|spring|summer|autumn|fall|winter|"
    + "|".join(m for m in _MONTHS if m != "may")  # "may" is more often the verb
    + r")\b",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"\d|\b(?:zero|none|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|half|third|quarter|dozen|once|twice)\b",
    re.IGNORECASE,
)
_DENIAL = re.compile(r"\b(?:no|not|never|none)\b|n't\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CITATION = re.compile(r"\[\d{1,3}\]")
# Capitalised for grammar or by habit, not names: the model's own framing words.
_NOT_NAMES = frozenset({"i", "you", "your", "yes", "no", "not", "none", "the", "a", "an"})

Date = tuple[int, int, int]  # day 0 when only month and year are written


def _dates(text: str) -> Iterator[tuple[Date, tuple[int, int]]]:
    """Every date in ``text`` with its span. Numeric dates with day and month both <= 12 are
    read both ways (the documents mix 05.08.2024 and 08/14/2027)."""
    for m in _ISO.finditer(text):
        yield (int(m[1]), int(m[2]), int(m[3])), m.span()
    for m in _DMY_NUMERIC.finditer(text):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if b <= 12:
            yield (year, b, a), m.span()
        if a <= 12:
            yield (year, a, b), m.span()
    for m in _MY_NUMERIC.finditer(text):
        if int(m[1]) <= 12:
            yield (int(m[2]), int(m[1]), 0), m.span()
    for m in _DAY_MONTH_YEAR.finditer(text):
        yield (int(m[3]), _MONTHS[m[2].lower()], int(m[1])), m.span()
    for m in _MONTH_DAY_YEAR.finditer(text):
        yield (int(m[3]), _MONTHS[m[1].lower()], int(m[2])), m.span()
    for m in _MONTH_YEAR.finditer(text):
        yield (int(m[2]), _MONTHS[m[1].lower()], 0), m.span()


def _numbers(text: str) -> dict[float, str]:
    """Value -> as written: "45" and "45.0" are one number, "1,240" and "1240" too."""
    found: dict[float, str] = {}
    for written in _NUMBER.findall(text):
        plain = written.replace(",", "")
        try:
            found.setdefault(float(plain), written)
        except ValueError:  # "1.2.3": a version, not a number; compared as written
            found.setdefault(float(hash(plain)), written)
    return found


def _names(sentence: str) -> Iterator[str]:
    """Capitalised words that do not start the sentence (those are capitalised by grammar)."""
    words = _WORD.findall(_CITATION.sub("", sentence))
    for word in words[1:]:
        if word[0].isupper() and word.lower() not in _NOT_NAMES and word.lower() not in _MONTHS:
            yield word


class Sources:
    """Everything the answer may state: the passages shown and the question."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.text = "\n".join(texts)
        self.words = {w.lower() for w in _WORD.findall(self.text)}
        self.numbers = _numbers(self.text)
        dates = list(_dates(self.text))
        self.days = {d for d, _ in dates}
        # "June 2026" is supported by any day of June 2026 written in the sources.
        self.months = {(y, m, 0) for y, m, _ in self.days}

    def supports_date(self, date: Date) -> bool:
        return date in self.days or (date[2] == 0 and date in self.months)

    def unsupported(self, sentence: str) -> list[str]:
        """The facts of one sentence that no source holds."""
        clean = _CITATION.sub("", sentence)
        missing: list[str] = []
        spans: list[tuple[int, int]] = []
        for date, span in _dates(clean):
            if any(a <= span[0] and span[1] <= b for a, b in spans):
                continue  # "June 2027" inside "14 June 2027" is the same date
            spans.append(span)
            if not self.supports_date(date):
                missing.append(clean[span[0] : span[1]])
        undated = "".join(
            " " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(clean)
        )
        missing += [n for value, n in _numbers(undated).items() if value not in self.numbers]
        missing += [w for w in _names(sentence) if w.lower() not in self.words]
        return list(dict.fromkeys(missing))


def has_content(answer: str) -> bool:
    """Anything besides citation markers ("[2][3]" alone says nothing)."""
    return re.search(r"\w", _CITATION.sub("", answer)) is not None


def states(kind: AnswerKind, answer: str) -> bool:
    """Does the answer give what the question asked for: a date for "when", a number for "how
    many"? A denial ("It does not expire") is an answer of its own."""
    text = _CITATION.sub("", answer)
    if _DENIAL.search(text):
        return True
    if kind == "date":
        return _WHEN.search(text) is not None
    return _QUANTITY.search(text) is not None


def sentences(answer: str) -> list[str]:
    return [s for s in _SENTENCE.split(answer.strip()) if s.strip()]


def keep_grounded(answer: str, passages: Iterable[str], question: str) -> tuple[str, list[str]]:
    """The answer without its sentences that state an unsupported fact, and those facts."""
    sources = Sources([*passages, question])
    kept: list[str] = []
    removed: list[str] = []
    for sentence in sentences(answer):
        facts = sources.unsupported(sentence)
        if facts:
            removed += facts
        else:
            kept.append(sentence)
    separator = "\n" if "\n" in answer.strip() else " "
    return separator.join(kept), removed
