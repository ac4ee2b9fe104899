"""Abbreviations learned from the corpus itself, for expanding questions both ways.

A question says "Project Management Professional", the certificate file says "PMP"; another says
"CPHIMS" where the document spells it out. Nothing is hard-coded: the pairs are the ones the user's
own documents write down, either as a definition ("Project Management Professional (PMP)", found
with Schwartz & Hearst's algorithm, PSB 2003) or as a run of capitalised words whose initials spell
an acronym that the documents also use on its own ("Good Clinical Practice" next to "NIHR GCP").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# "long form (SF)": the short form is one token of 2-10 characters with a capital letter.
_DEFINITION = re.compile(r"\(([A-Za-z][A-Za-z0-9]{1,9})\)")
# Acronyms used on their own: PMP, GCP, BScN, MSc, NEWS2.
_ACRONYM = re.compile(r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*\d?|[A-Z]{2,}\d?)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*")
_LINKING = frozenset({"of", "and", "in", "for", "the", "&"})


def _is_short_form(text: str) -> bool:
    capitals = sum(c.isupper() for c in text)
    return capitals >= 2 and capitals >= len([c for c in text if c.isalpha()]) / 2


def long_form_for(short: str, preceding: str) -> str | None:
    """Schwartz & Hearst: the shortest tail of ``preceding`` whose characters spell ``short`` in
    order, the first one at a word start. None when the words before do not spell it."""
    letters = [c.lower() for c in short if c.isalnum()]
    words = preceding.split()[-min(len(letters) + 5, len(letters) * 2) :]
    text = " ".join(words)
    s, i = len(letters) - 1, len(text) - 1
    while s >= 0:
        c = letters[s]
        while i >= 0 and (text[i].lower() != c or (s == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    found = text[i + 1 :].strip(" -,:;")
    return found if len(found.split()) >= 2 else None


def _segments(acronym: str) -> list[str]:
    """ "BScN" -> ["B", "Sc", "N"]: each capital (or digit) with the lower-case letters after it."""
    return re.findall(r"[A-Z0-9][a-z]*", acronym)


def _is_subsequence(part: str, word: str) -> bool:
    rest = iter(word.lower())
    return all(c in rest for c in part.lower())


def _initials_match(acronym: str, words: list[str]) -> bool:
    """ "GCP" / Good Clinical Practice; "MSc" / Master of Science: each capital of the acronym
    starts one content word, in order, and its lower-case letters come later in that word (so
    "MSc" is not "Markovic Sanja")."""
    segments = _segments(acronym)
    content = [w for w in words if w.lower() not in _LINKING]
    return len(content) == len(segments) and all(
        w == seg if seg.isdigit() else w[0] == seg[0] and _is_subsequence(seg[1:], w[1:])
        for w, seg in zip(content, segments, strict=True)
    )


@dataclass
class Abbreviations:
    """Short form -> long forms, as the corpus writes them."""

    pairs: dict[str, set[str]] = field(default_factory=dict)

    def add(self, short: str, long: str) -> None:
        self.pairs.setdefault(short, set()).add(" ".join(long.split()))

    @classmethod
    def learn(cls, texts: Iterable[str]) -> Abbreviations:
        texts = list(texts)
        found = cls()
        for text in texts:
            for match in _DEFINITION.finditer(text):
                short = match.group(1)
                if not _is_short_form(short):
                    continue
                long = long_form_for(short, text[: match.start()])
                if long:
                    found.add(short, long)
        used = {m.group(1) for text in texts for m in _ACRONYM.finditer(text)}
        runs: dict[int, set[str]] = {}
        for acronym in sorted(used - found.pairs.keys()):
            capitals = len(_segments(acronym))
            lower = sum(c.islower() for c in acronym)
            # Two capitals match too many word pairs to be trusted, unless the acronym mixes in
            # lower case (MSc, PhD); more lower case than that is a CamelCase name (ShiftSwap).
            if capitals < 2 or (capitals == 2 and lower == 0) or lower > capitals - 1:
                continue
            if capitals not in runs:
                runs[capitals] = _capitalised_runs(texts, capitals)
            for long in runs[capitals]:
                if _initials_match(acronym, long.split()):
                    found.add(acronym, long)
        return found

    def expand(self, query: str) -> str:
        """The query plus the other form of every abbreviation it uses, either way round."""
        lowered = " ".join(query.lower().split())
        extra: list[str] = []
        for short, longs in sorted(self.pairs.items()):
            if re.search(rf"\b{re.escape(short)}\b", query):
                extra += sorted(longs)
            elif any(long.lower() in lowered for long in longs):
                extra.append(short)
        return f"{query} ({'; '.join(extra)})" if extra else query


def _title_word(word: str) -> bool:
    """ "Clinical"; not "PMP" or "PeopleCert" (names of their own), nor "I"."""
    return len(word) >= 2 and word[0].isupper() and word[1:].islower()


def _capitalised_runs(texts: list[str], content_words: int) -> set[str]:
    """Every run of ``content_words`` capitalised words within one paragraph (linking words such
    as "of" allowed between them): the candidates for an acronym's spelled-out form."""
    runs: set[str] = set()
    for paragraph in (p for text in texts for p in re.split(r"\n\s*\n", text)):
        words = _WORD.findall(paragraph)
        for start, word in enumerate(words):
            if not _title_word(word):
                continue
            run, count = [word], 1
            for nxt in words[start + 1 :]:
                if count == content_words:
                    break
                if nxt in _LINKING:
                    run.append(nxt)
                elif _title_word(nxt) or nxt.isdigit():
                    run.append(nxt)
                    count += 1
                else:
                    break
            if count == content_words:
                runs.add(" ".join(run))
    return runs
