"""Indirect injection: does a stored passage carry instructions aimed at the AI reading it?

Used at ingest (``knowledge.ingest.injection_flag``); the answer prompt marks flagged passages as
data. Returns a short, low-cardinality reason (the rule's name), or None.
"""

from __future__ import annotations

from safety.rules import match


def flag_passage(text: str) -> str | None:
    return match(text)
