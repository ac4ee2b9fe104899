"""The rules layer: fast, precise regex rules, checked on the text and on its de-obfuscated forms.

The rule tables live in ``safety.patterns``; the decoding of obfuscated text in
``safety.deobfuscate``. Anything subtler than the rules is left to the classifier.
"""

from __future__ import annotations

from safety.deobfuscate import normalise, variants
from safety.patterns import ALL_RULES, ENCODED_COMMAND
from safety.verdict import Verdict

__all__ = ["RulesLayer", "match", "normalise"]


def _first_match(text: str, prefilter: bool = True) -> str | None:
    lowered = text.lower() if prefilter else ""
    for rule in ALL_RULES:
        hit = rule.search(text, lowered) if prefilter else rule.pattern.search(text)
        if hit:
            return rule.name
    return None


def match(text: str, *, prefilter: bool = True) -> str | None:
    """The name of the first rule that fires (``name`` or ``name+obfuscation``), else None.

    ``prefilter=False`` runs every regex (slower; the tests compare both ways).
    """
    flat = normalise(text)
    hit = _first_match(flat, prefilter)
    if hit:
        return hit
    for how, variant in variants(flat, text):
        hit = _first_match(normalise(variant), prefilter)
        if hit:
            return f"{hit}+{how}"
        if how == "base64" and ENCODED_COMMAND.search(flat):
            return "encoded_instructions"
    return None


class RulesLayer:
    """Guard layer: blocks with score 1.0 when a rule fires."""

    name = "rules"

    def check(self, text: str) -> Verdict:
        hit = match(text)
        if hit:
            return Verdict(True, 1.0, f"rule:{hit}", self.name)
        return Verdict(False, 0.0, "rules:pass", self.name)
