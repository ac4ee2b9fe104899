"""Guard settings from the environment (to be folded into ``core.settings`` later).

``RAG_GUARD_FAIL_MODE``  ``closed`` (default: a failing layer blocks) or ``open`` (it is skipped)
``RAG_GUARD_THRESHOLD``  classifier threshold override, 0..1 (default: stored with the model)
``RAG_GUARD_PROMPT_GUARD_THRESHOLD``  Prompt Guard threshold, 0..1 (default 0.5)
``GROQ_API_KEY`` / ``GROQ_API_KEY_FILE``  enables the Prompt Guard layer
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, cast

from core.settings import read_secret

FailMode = Literal["open", "closed"]


class GuardSettingsError(ValueError):
    """A guard setting in the environment has a value we cannot use."""


@dataclass(frozen=True)
class GuardSettings:
    fail_mode: FailMode = "closed"
    threshold: float | None = None
    prompt_guard_threshold: float = 0.5
    groq_api_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> GuardSettings:
        env = os.environ if env is None else env
        mode = env.get("RAG_GUARD_FAIL_MODE", "").strip().lower() or "closed"
        if mode not in ("open", "closed"):
            raise GuardSettingsError(f"RAG_GUARD_FAIL_MODE={mode!r}: expected open or closed")
        return cls(
            fail_mode=cast(FailMode, mode),
            threshold=_unit(env, "RAG_GUARD_THRESHOLD"),
            prompt_guard_threshold=_unit(env, "RAG_GUARD_PROMPT_GUARD_THRESHOLD") or 0.5,
            groq_api_key=read_secret(env, "GROQ_API_KEY"),
        )


def _unit(env: Mapping[str, str], name: str) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise GuardSettingsError(f"{name}={raw!r}: expected a number") from exc
    if not 0.0 < value <= 1.0:
        raise GuardSettingsError(f"{name}={raw!r}: expected a number in (0, 1]")
    return value
