"""``InputGuard``: rules -> classifier -> Prompt Guard (when a Groq key is set).

The first layer that blocks decides. A layer that raises is handled by ``fail_mode``: "closed"
blocks (reason ``error:<layer>:fail_closed``), "open" skips the layer with a warning. The reason
is logged (INFO) and returned for traces; callers must not show it to the sender.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Literal, Protocol

from core.settings import Settings
from safety.classifier import ClassifierLayer
from safety.prompt_guard import PromptGuardLayer
from safety.rules import RulesLayer
from safety.verdict import Verdict

log = logging.getLogger(__name__)


class GuardLayer(Protocol):
    @property
    def name(self) -> str: ...

    def check(self, text: str) -> Verdict: ...


def default_layers(
    threshold: float | None = None,
    groq_api_key: str | None = None,
    prompt_guard_threshold: float = 0.5,
) -> list[GuardLayer]:
    layers: list[GuardLayer] = [RulesLayer(), ClassifierLayer(threshold)]
    if groq_api_key:
        layers.append(PromptGuardLayer(groq_api_key, threshold=prompt_guard_threshold))
    return layers


class InputGuard:
    def __init__(
        self,
        threshold: float | None = None,
        fail_mode: Literal["open", "closed"] = "closed",
        groq_api_key: str | None = None,
        *,
        prompt_guard_threshold: float = 0.5,
        layers: Sequence[GuardLayer] | None = None,
    ) -> None:
        if fail_mode not in ("open", "closed"):
            raise ValueError(f"fail_mode must be 'open' or 'closed', not {fail_mode!r}")
        self.fail_mode = fail_mode
        self.layers: list[GuardLayer] = (
            list(layers)
            if layers is not None
            else default_layers(threshold, groq_api_key, prompt_guard_threshold)
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> InputGuard:
        return cls(
            threshold=settings.guard_threshold,
            fail_mode=settings.guard_fail_mode,
            groq_api_key=settings.groq_api_key,
            prompt_guard_threshold=settings.prompt_guard_threshold,
        )

    @property
    def layer_names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def check(self, text: str) -> Verdict:
        scores: list[float] = []
        skipped: list[str] = []
        for layer in self.layers:
            try:
                verdict = layer.check(text)
            except Exception as exc:
                if self.fail_mode == "closed":
                    verdict = Verdict(True, 1.0, f"error:{layer.name}:fail_closed", layer.name)
                    _log_verdict(verdict, text, logging.WARNING, exc)
                    return verdict
                log.warning(
                    "guard layer %s failed (%s: %s); fail-open, layer skipped",
                    layer.name,
                    type(exc).__name__,
                    exc,
                )
                skipped.append(layer.name)
                continue
            if verdict.blocked:
                _log_verdict(verdict, text, logging.INFO)
                return verdict
            scores.append(verdict.score)
        reason = "pass" + (f";skipped:{','.join(skipped)}" if skipped else "")
        verdict = Verdict(False, max(scores, default=0.0), reason, "guard")
        _log_verdict(verdict, text, logging.INFO)
        return verdict


def _log_verdict(verdict: Verdict, text: str, level: int, exc: BaseException | None = None) -> None:
    # The text itself is never logged (it is the user's); a short digest lets traces correlate.
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:12]
    log.log(
        level,
        "guard %s: reason=%s layer=%s score=%.3f chars=%d sha=%s%s",
        "blocked" if verdict.blocked else "passed",
        verdict.reason,
        verdict.layer,
        verdict.score,
        len(text),
        digest,
        f" error={type(exc).__name__}: {exc}" if exc else "",
    )
