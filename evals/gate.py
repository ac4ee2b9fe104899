"""The gate: every rule of the run's mode checked against the aggregates and the baseline."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from evals.aggregate import Summary
from evals.thresholds import Rule

Status = Literal["pass", "fail", "skip"]
# The baseline keeps 4 decimals (and means of floats carry noise): differences below this are
# rounding, not regressions.
EPSILON = 1e-4


@dataclass(frozen=True)
class Finding:
    metric: str
    status: Status
    message: str


def check_rule(rule: Rule, summary: Summary | None, baseline: float | None) -> list[Finding]:
    name = rule.metric
    if summary is None:
        return [Finding(name, "skip", f"{name}: not measured in this run (no applicable case)")]
    value = summary.value
    if math.isnan(value):
        return [Finding(name, "fail", f"{name}: NaN (all {summary.nan} values failed to score)")]
    found: list[Finding] = []
    if rule.min is not None and value < rule.min - EPSILON:
        found.append(Finding(name, "fail", f"{name} = {value:.4f} < min {rule.min}"))
    if rule.max is not None and value > rule.max + EPSILON:
        found.append(Finding(name, "fail", f"{name} = {value:.4f} > max {rule.max}"))
    if rule.max_nan_rate is not None and summary.nan_rate > rule.max_nan_rate + EPSILON:
        found.append(
            Finding(
                name,
                "fail",
                f"{name}: {summary.nan} NaN of {summary.nan + summary.values} values "
                f"({summary.nan_rate:.0%}) > max_nan_rate {rule.max_nan_rate:.0%}",
            )
        )
    if rule.tolerance is not None and baseline is not None:
        worse = baseline - value if rule.higher_is_better else value - baseline
        if worse > rule.tolerance + EPSILON:
            found.append(
                Finding(
                    name,
                    "fail",
                    f"{name} = {value:.4f} regressed {worse:.4f} from baseline {baseline:.4f} "
                    f"(tolerance {rule.tolerance})",
                )
            )
    return found or [Finding(name, "pass", f"{name} = {value:.4f}")]


def check(
    rules: Sequence[Rule],
    summaries: Mapping[str, Summary],
    baseline: Mapping[str, float] | None,
) -> list[Finding]:
    """``baseline`` None: no comparable baseline, so only absolute limits are checked."""
    findings: list[Finding] = []
    for rule in rules:
        recorded = baseline.get(rule.metric) if baseline is not None else None
        findings += check_rule(rule, summaries.get(rule.metric), recorded)
    return findings


def passed(findings: Sequence[Finding]) -> bool:
    return not any(f.status == "fail" for f in findings)
