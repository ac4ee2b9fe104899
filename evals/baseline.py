"""The committed baselines (``baseline.json``): the aggregates of a reference run per dataset and
mode (``{"<dataset>": {"<mode>": entry}}``).

A run is compared with a baseline only when it is the same experiment: the same cases, and for the
full mode the same answering LLM (and the same judge for judged metrics). Otherwise deltas are
still shown, but regressions are not gated.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASELINE = Path(__file__).parent / "baseline.json"


@dataclass(frozen=True)
class Delta:
    metric: str
    baseline: float
    current: float

    @property
    def change(self) -> float:
        return self.current - self.baseline


def case_set(case_ids: Sequence[str]) -> str:
    """A short fingerprint of which cases ran."""
    return hashlib.sha256("\n".join(sorted(case_ids)).encode()).hexdigest()[:16]


def load(path: Path = BASELINE) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def recorded(path: Path, dataset: str, mode: str) -> dict[str, Any]:
    """The baseline entry of one dataset and mode ({} when none was recorded)."""
    entry = load(path).get(dataset, {}).get(mode, {})
    return entry if isinstance(entry, dict) else {}


def section(
    mode: str, case_ids: Sequence[str], llm: str, judge: str | None, metrics: Mapping[str, float]
) -> dict[str, Any]:
    return {
        "case_set": case_set(case_ids),
        "cases": len(case_ids),
        "llm": llm if mode == "full" else None,
        "judge": judge,
        "metrics": {k: round(v, 4) for k, v in sorted(metrics.items()) if not math.isnan(v)},
    }


def save(path: Path, dataset: str, mode: str, entry: Mapping[str, Any], note: str) -> None:
    """Replace this dataset's mode only; every other baseline stays as recorded."""
    data = load(path)
    data.setdefault(dataset, {})[mode] = {**entry, "note": note}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def incomparable(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> str | None:
    """Why regressions cannot be judged against ``recorded`` (None when they can)."""
    if not recorded:
        return "no baseline recorded for this mode"
    if recorded.get("case_set") != current["case_set"]:
        return (
            f"baseline ran {recorded.get('cases')} cases, this run {current['cases']} "
            "(different case set)"
        )
    if recorded.get("llm") != current["llm"]:
        return f"baseline answered with {recorded.get('llm')}, this run with {current['llm']}"
    return None


def gated_metrics(recorded: Mapping[str, Any], judge: str | None) -> dict[str, float]:
    """Baseline values regressions are checked against; judged ones only for the same judge."""
    metrics = dict(recorded.get("metrics", {}))
    if recorded.get("judge") != judge:
        metrics = {k: v for k, v in metrics.items() if not k.startswith("judge.")}
    return metrics


def deltas(recorded: Mapping[str, float], current: Mapping[str, float]) -> list[Delta]:
    return [
        Delta(name, recorded[name], value)
        for name, value in sorted(current.items())
        if name in recorded and not math.isnan(value)
    ]
