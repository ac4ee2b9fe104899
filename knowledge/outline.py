"""Headings in text that has no markup: plain-text files and PDF pages.

A chunk is only as findable as the heading path it carries ("EXPERIENCE > Calder Valley NHS
Foundation Trust"), and neither a ``.txt`` file nor a PDF's text layer marks its headings. Plain
text: a line framed by ``==`` (``== Code Club ==``), a line in capitals (``CORE SKILLS``) or a short
line standing alone between blank lines (``Experience`` in a LinkedIn export). PDF: a line set in
a bold font larger than the body text; larger type is a higher level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from knowledge.documents import Section

_FRAMED = re.compile(r"^\s*={2,}\s*(.+?)\s*={2,}\s*$")
_MAX_HEADING_WORDS = 8
_STANDALONE_WORDS = 5


@dataclass
class Outline:
    """Heading stack plus the text gathered under the current path; turns lines into sections."""

    root: str
    _stack: list[tuple[int, str]] = field(default_factory=list)
    _lines: list[str] = field(default_factory=list)

    def path(self) -> tuple[str, ...]:
        return (self.root, *(name for _, name in self._stack))

    def heading(self, level: int, name: str, page: int | None) -> Iterator[Section]:
        yield from self.flush(page)
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, name))

    def line(self, text: str) -> None:
        self._lines.append(text)

    def flush(self, page: int | None) -> Iterator[Section]:
        text = "\n".join(self._lines).strip()
        self._lines = []
        if text:
            yield Section(self.path(), text, page=page)


def _is_capitals(line: str) -> bool:
    """``PRACTICE HOURS``; one capitalised word alone is more often an acronym (``HIMSS``)."""
    letters = [c for c in line if c.isalpha()]
    return (
        all(c.isupper() for c in letters)
        and not any(c.isdigit() or c in ":;" for c in line)
        and 2 <= len(line.split()) <= _MAX_HEADING_WORDS
    )


def _is_standalone(lines: list[str], i: int) -> bool:
    """A short line with a blank line (or the file's edge) on both sides, not a sentence."""
    line = lines[i].strip()
    before = i == 0 or not lines[i - 1].strip()
    after = i == len(lines) - 1 or not lines[i + 1].strip()
    return (
        before
        and after
        and line[:1].isupper()
        and len(line.split()) <= _STANDALONE_WORDS
        and not line.endswith((".", ",", ":", ";", "?", "!"))
    )


def text_heading(lines: list[str], i: int) -> str | None:
    """The heading line ``i`` of a plain-text file is, if it is one."""
    framed = _FRAMED.match(lines[i])
    if framed:
        return framed.group(1)
    line = lines[i].strip()
    if line and (_is_capitals(line) or _is_standalone(lines, i)):
        return line
    return None


def text_sections(text: str, title: str) -> list[Section]:
    """Plain text cut at its headings; all headings are one level (text has no nesting cue)."""
    outline = Outline(title)
    sections: list[Section] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        name = text_heading(lines, i)
        if name is None:
            outline.line(line)
        else:
            sections += outline.heading(1, name, None)
    sections += outline.flush(None)
    return sections


@dataclass(frozen=True)
class Run:
    """One piece of text as a PDF draws it: the font and its size in points."""

    text: str
    bold: bool
    size: float


def heading_levels(runs: Iterable[Run]) -> dict[str, int]:
    """Bold runs larger than the body text (the most common size) are headings; the largest
    size is level 1. Maps the heading text to its level."""
    runs = [r for r in runs if r.text.strip()]
    if not runs:
        return {}
    body = Counter(round(r.size, 1) for r in runs).most_common(1)[0][0]
    headings = {r.text.strip(): round(r.size, 1) for r in runs if r.bold and r.size > body + 0.2}
    sizes = sorted(set(headings.values()), reverse=True)
    return {name: sizes.index(size) + 1 for name, size in headings.items()}


def pdf_sections(pages: list[str], levels: dict[str, int], title: str) -> list[Section]:
    """PDF page texts cut at the heading lines; a heading path carries on over page breaks."""
    outline = Outline(title)
    sections: list[Section] = []
    for number, page in enumerate(pages, start=1):
        for line in page.splitlines():
            level = levels.get(line.strip())
            if level is None:
                outline.line(line)
            else:
                sections += outline.heading(level, line.strip(), number)
        sections += outline.flush(number)
    return sections
