"""The result of one guard check (and of each layer inside it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """``blocked`` decides; ``score`` is the attack likelihood (0..1) of the deciding layer.

    ``reason`` is for logs and traces only (e.g. ``rule:system_prompt_extraction``,
    ``classifier:0.93``, ``prompt_guard:0.97``, ``error:classifier:fail_closed``): never show it to
    the person who sent the text. ``layer`` names the layer that decided (``"guard"`` when none
    blocked).
    """

    blocked: bool
    score: float
    reason: str
    layer: str

    @property
    def category(self) -> str:
        """A low-cardinality name for why it blocked, for metric labels: the rule's name
        (``instruction_override``, without how it was de-obfuscated), ``injection_score`` for a
        model's score, ``fail_closed`` for a failing layer."""
        kind, _, detail = self.reason.partition(":")
        if kind == "rule":
            return detail.split("+", 1)[0]
        if kind == "error":
            return "fail_closed"
        return "injection_score" if self.blocked else "pass"

    def to_dict(self) -> dict[str, object]:
        return {
            "blocked": self.blocked,
            "score": round(self.score, 4),
            "reason": self.reason,
            "layer": self.layer,
        }
