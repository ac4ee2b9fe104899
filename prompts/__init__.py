"""Prompt text lives in versioned files (``<name>.v<N>.txt``); code only loads it.

The version travels with every answer (traces, cache keys), so a prompt change is visible and
invalidates cached answers. A file may quote a fixed reply as ``{not_found}``: the sentence is
written once, in ``prompts.replies``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from prompts.replies import NOT_FOUND

_DIR = Path(__file__).parent
_PLACEHOLDERS = {"{not_found}": NOT_FOUND}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    text: str

    @property
    def fingerprint(self) -> str:
        """Version plus a content hash, so an edited text never passes for the old one."""
        return f"{self.name}.{self.version}-{_digest(self.text)}"

    def fingerprint_of(self, text: str) -> str:
        """The fingerprint of the text actually used: this prompt's, or an edited one's."""
        return self.fingerprint if text == self.text else f"{self.name}.edited-{_digest(text)}"


def load_prompt(name: str) -> Prompt:
    """The highest version of ``name`` shipped in this folder, placeholders filled in."""
    files = sorted(_DIR.glob(f"{name}.v*.txt"), key=lambda p: int(p.stem.rsplit(".v", 1)[1]))
    if not files:
        raise FileNotFoundError(f"no prompt named {name!r} in {_DIR}")
    latest = files[-1]
    text = latest.read_text(encoding="utf-8").strip()
    for placeholder, value in _PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return Prompt(name, latest.stem.rsplit(".", 1)[1], text)


ANSWER = load_prompt("answer")
REWRITE = load_prompt("rewrite")
# Repeated after the question, one line per kind of question (``answer``, ``yes_no``, ``list``):
# small local models follow an instruction better when it is nearest the question.
REMINDER = load_prompt("reminder")


def reminder_for(text: str, kind: str) -> str:
    """The ``kind: …`` line of a reminder prompt, else its ``answer:`` line."""
    lines = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    return lines.get(kind) or lines["answer"]
