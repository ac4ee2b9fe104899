"""Prompt text lives in versioned files (``<name>.v<N>.txt``); code only loads it.

The version travels with every answer (traces, cache keys), so a prompt change is visible and
invalidates cached answers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    text: str

    @property
    def fingerprint(self) -> str:
        """Version plus a content hash, so an edited text never passes for the old one."""
        digest = hashlib.sha256(self.text.encode()).hexdigest()[:8]
        return f"{self.name}.{self.version}-{digest}"


def load_prompt(name: str) -> Prompt:
    """The highest version of ``name`` shipped in this folder."""
    files = sorted(_DIR.glob(f"{name}.v*.txt"), key=lambda p: int(p.stem.rsplit(".v", 1)[1]))
    if not files:
        raise FileNotFoundError(f"no prompt named {name!r} in {_DIR}")
    latest = files[-1]
    return Prompt(name, latest.stem.rsplit(".", 1)[1], latest.read_text(encoding="utf-8").strip())


ANSWER = load_prompt("answer")
REWRITE = load_prompt("rewrite")
