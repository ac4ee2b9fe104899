"""One rule of the rules layer: a regex plus the cheap substring test that guards it."""

from __future__ import annotations

import re
from dataclasses import dataclass

IGNORECASE = re.IGNORECASE


@dataclass(frozen=True)
class Rule:
    """``pattern`` can only match text whose lower-cased form contains one of ``needs``.

    The cheap substring test lets long texts skip most regexes (tests check it never changes a
    result).
    """

    name: str
    needs: tuple[str, ...]
    pattern: re.Pattern[str]

    def search(self, text: str, lowered: str) -> bool:
        if not any(word in lowered for word in self.needs):
            return False
        return self.pattern.search(text) is not None


def make_rule(name: str, needs: tuple[str, ...], pattern: str, flags: int = IGNORECASE) -> Rule:
    return Rule(name, needs, re.compile(pattern, flags))
