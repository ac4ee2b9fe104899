"""The gate's rules, from ``thresholds.yaml``: per dataset and mode, metric -> limit and allowed
regression.

Each rule: ``min`` (or ``max`` for lower-is-better metrics), ``tolerance`` (how much worse than
the baseline a value may be, in the metric's own units) and ``max_nan_rate`` (share of values that
may be NaN). Each dataset has the sections ``retrieval_only``, ``full``, and ``judged`` (applied on
top of ``full`` only when a judge is configured).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

THRESHOLDS = Path(__file__).parent / "thresholds.yaml"
SECTIONS = ("retrieval_only", "full", "judged")
_KEYS = {"min", "max", "tolerance", "max_nan_rate"}


class ThresholdsError(ValueError):
    """thresholds.yaml is malformed."""


@dataclass(frozen=True)
class Rule:
    metric: str
    min: float | None = None
    max: float | None = None
    tolerance: float | None = None
    max_nan_rate: float | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.max is None


def _number(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ThresholdsError(f"{where}: expected a number, got {value!r}")
    return float(value)


def parse_rule(section: str, metric: str, raw: Any) -> Rule:
    where = f"{section}.{metric}"
    if not isinstance(raw, dict) or not raw:
        raise ThresholdsError(f"{where}: expected a mapping with {sorted(_KEYS)}")
    unknown = set(raw) - _KEYS
    if unknown:
        raise ThresholdsError(f"{where}: unknown keys {sorted(unknown)}")
    if "min" in raw and "max" in raw:
        raise ThresholdsError(f"{where}: give min (higher is better) or max, not both")
    values = {key: _number(f"{where}.{key}", value) for key, value in raw.items()}
    for key in ("tolerance", "max_nan_rate"):
        if values.get(key, 0.0) < 0:
            raise ThresholdsError(f"{where}.{key}: must not be negative")
    return Rule(metric, **values)


def parse(document: Any) -> dict[str, list[Rule]]:
    if not isinstance(document, dict):
        raise ThresholdsError("expected a mapping of sections")
    unknown = set(document) - set(SECTIONS)
    if unknown:
        raise ThresholdsError(f"unknown sections {sorted(unknown)}; known: {list(SECTIONS)}")
    rules: dict[str, list[Rule]] = {}
    for section in SECTIONS:
        entries = document.get(section) or {}
        if not isinstance(entries, dict):
            raise ThresholdsError(f"{section}: expected a mapping of metric -> rule")
        rules[section] = [parse_rule(section, str(m), raw) for m, raw in entries.items()]
    return rules


def load(path: Path, dataset: str) -> dict[str, list[Rule]]:
    """The rules of one dataset."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ThresholdsError(f"{path}: {exc}") from exc
    if not isinstance(document, dict) or dataset not in document:
        raise ThresholdsError(f"{path}: no thresholds for dataset {dataset!r}")
    return parse(document[dataset])


def rules_for(rules: dict[str, list[Rule]], mode: str, judged: bool) -> list[Rule]:
    return rules[mode] + (rules["judged"] if judged and mode == "full" else [])
