"""Everything one ``rag eval`` produced, handed to the report writers and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evals.aggregate import Summary
from evals.baseline import Delta
from evals.dataset import EvalCase
from evals.gate import Finding, passed
from evals.runner import CaseRun
from evals.scoring import Mode, Scores


@dataclass
class EvalResult:
    dataset: str
    mode: Mode
    cases: list[EvalCase]
    llm: str  # provider chain that answered ("" in retrieval-only mode)
    judge: str | None
    runs: list[dict[str, CaseRun]]  # per run: case id -> what the graph did
    scores: list[dict[str, Scores]]  # per run: case id -> metric values
    overall: dict[str, Summary]
    categories: dict[str, dict[str, Summary]]
    findings: list[Finding]
    deltas: list[Delta]
    baseline_note: str | None  # why regressions were not gated, if they were not
    baseline_entry: dict[str, Any]  # this run as a baseline section (``--update-baseline``)
    seconds: dict[str, float]  # wall time per phase
    machine: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return passed(self.findings)
