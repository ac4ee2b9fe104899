"""Per-case scores of N runs -> overall and per-category aggregates, with NaN counts and spread.

An aggregate is the mean over cases of each case's mean over runs, using finite values only; every
NaN (a metric that applied but could not be computed) is counted and reported next to the value. A
metric whose every value is NaN aggregates to NaN, so a gate on it fails instead of passing on an
empty average.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from evals.scoring import Scores

Run = Mapping[str, Scores]  # case id -> that case's scores in one run

# Latency is also summarised by percentiles: its mean hides the slow tail.
PERCENTILES = (50, 95)


@dataclass
class Summary:
    value: float  # NaN when every applicable value was NaN
    cases: int  # cases with at least one finite value
    values: int  # finite values across cases and runs
    nan: int  # NaN values across cases and runs
    per_run: list[float] = field(default_factory=list)  # the same aggregate, each run alone

    @property
    def spread(self) -> float:
        """max - min of the per-run aggregates (0 for one run)."""
        finite = [v for v in self.per_run if not math.isnan(v)]
        return max(finite) - min(finite) if finite else math.nan

    @property
    def nan_rate(self) -> float:
        total = self.values + self.nan
        return self.nan / total if total else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "value": _round(self.value),
            "cases": self.cases,
            "values": self.values,
            "nan": self.nan,
            "per_run": [_round(v) for v in self.per_run],
            "spread": _round(self.spread),
        }


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def _finite_mean(values: Sequence[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return float(np.mean(finite)) if finite else math.nan


def _collect(rows: Sequence[Scores]) -> dict[str, list[float]]:
    collected: dict[str, list[float]] = {}
    for scores in rows:
        for name, value in scores.items():
            collected.setdefault(name, []).append(value)
    return collected


def mean_over_cases(rows: Sequence[Scores]) -> dict[str, float]:
    """Per metric: the mean of the finite values; NaN if there were only NaN."""
    return {name: _finite_mean(values) for name, values in _collect(rows).items()}


def summarise(runs: Sequence[Run], case_ids: Sequence[str]) -> dict[str, Summary]:
    """One Summary per metric over the given cases."""
    selected = [[run[c] for c in case_ids if c in run] for run in runs]
    per_case = [_collect([run[c] for run in runs if c in run]) for c in case_ids]
    totals = mean_over_cases([{n: _finite_mean(v) for n, v in case.items()} for case in per_case])
    per_run = [mean_over_cases(rows) for rows in selected]
    summaries: dict[str, Summary] = {}
    for name, value in sorted(totals.items()):
        case_values = [case.get(name, []) for case in per_case]
        finite = [sum(not math.isnan(v) for v in values) for values in case_values]
        summaries[name] = Summary(
            value=value,
            cases=sum(1 for n in finite if n),
            values=sum(finite),
            nan=sum(len(values) for values in case_values) - sum(finite),
            per_run=[r.get(name, math.nan) for r in per_run],
        )
    return summaries | _percentiles(selected)


def _percentiles(selected: Sequence[Sequence[Scores]]) -> dict[str, Summary]:
    """Latency percentiles over every (case, run) value pooled, and per run."""
    names = sorted({n for rows in selected for s in rows for n in s if n.startswith("latency.")})
    out: dict[str, Summary] = {}
    for name in names:
        per_run = [[s[name] for s in rows if name in s] for rows in selected]
        pooled = [v for values in per_run for v in values]
        for q in PERCENTILES:
            out[f"{name}.p{q}"] = Summary(
                value=float(np.percentile(pooled, q)),
                cases=max(len(values) for values in per_run),
                values=len(pooled),
                nan=0,
                per_run=[float(np.percentile(v, q)) if v else math.nan for v in per_run],
            )
    return out


def by_category(
    runs: Sequence[Run], categories: Mapping[str, str]
) -> dict[str, dict[str, Summary]]:
    """``categories`` maps case id -> category; one summary table per category."""
    grouped: dict[str, list[str]] = {}
    for case_id, category in categories.items():
        grouped.setdefault(category, []).append(case_id)
    return {cat: summarise(runs, ids) for cat, ids in sorted(grouped.items())}


def flatten(
    overall: Mapping[str, Summary], categories: Mapping[str, Mapping[str, Summary]]
) -> dict[str, Summary]:
    """One namespace for thresholds and baselines: ``metric`` and ``metric[category]``."""
    flat = dict(overall)
    for category, table in categories.items():
        for name, summary in table.items():
            flat[f"{name}[{category}]"] = summary
    return flat
