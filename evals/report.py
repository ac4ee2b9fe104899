"""Writing a run to disk: ``results.json`` (everything) and ``report.md`` (for people and CI)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.aggregate import Summary
from evals.answer_checks import violations
from evals.result import EvalResult

# Metrics shown per category in the report (all of them are in results.json).
CATEGORY_COLUMNS = (
    "outcome.accuracy",
    "retrieval.recall@5",
    "retrieval.mrr",
    "answer.fact_recall",
    "citation.accuracy",
    "latency.seconds.p50",
)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _json_scores(scores: dict[str, float]) -> dict[str, float | None]:
    """NaN is not JSON: a score that failed is written as null (and counted in the aggregates)."""
    return {k: None if math.isnan(v) else round(v, 4) for k, v in scores.items()}


def results_json(result: EvalResult) -> dict[str, Any]:
    cases = []
    for case in result.cases:
        cases.append(
            {
                "id": case.id,
                "category": case.category,
                "question": case.question,
                "expected_outcome": case.expected_outcome,
                "runs": [
                    {**run[case.id].to_dict(), "scores": _json_scores(scores[case.id])}
                    for run, scores in zip(result.runs, result.scores, strict=True)
                ],
            }
        )
    return {
        "dataset": result.dataset,
        "mode": result.mode,
        "llm": result.llm,
        "judge": result.judge,
        "runs": len(result.runs),
        "cases": len(result.cases),
        "seconds": {k: round(v, 1) for k, v in result.seconds.items()},
        "machine": result.machine,
        "gate": {
            "passed": result.passed,
            "findings": [asdict(f) for f in result.findings],
        },
        "baseline": {
            "gated": result.baseline_note is None,
            "note": result.baseline_note,
            "deltas": [
                {"metric": d.metric, "baseline": d.baseline, "current": round(d.current, 4)}
                for d in result.deltas
            ],
        },
        "aggregates": {k: s.to_dict() for k, s in result.overall.items()},
        "categories": {
            c: {k: s.to_dict() for k, s in table.items()} for c, table in result.categories.items()
        },
        "per_case": cases,
    }


def _metrics_table(result: EvalResult) -> list[str]:
    recorded = {d.metric: d for d in result.deltas}
    lines = [
        "| metric | value | cases | NaN | spread over runs | baseline | Δ |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in result.overall.items():
        delta = recorded.get(name)
        lines.append(
            f"| {name} | {_fmt(s.value)} | {s.cases} | {s.nan} | {_fmt(s.spread)} | "
            f"{_fmt(delta.baseline if delta else None)} | "
            f"{f'{delta.change:+.3f}' if delta else '–'} |"
        )
    return lines


def _category_table(categories: dict[str, dict[str, Summary]]) -> list[str]:
    lines = [
        "| category | cases | " + " | ".join(CATEGORY_COLUMNS) + " |",
        "|---|---:|" + "---:|" * len(CATEGORY_COLUMNS),
    ]
    for category, table in categories.items():
        cells = [_fmt(table[m].value) if m in table else "–" for m in CATEGORY_COLUMNS]
        size = table["outcome.accuracy"].cases if "outcome.accuracy" in table else 0
        lines.append(f"| {category} | {size} | " + " | ".join(cells) + " |")
    return lines


def _problems(result: EvalResult) -> list[str]:
    """The cases worth a look, from the last run: wrong outcome, missed facts, leaks."""
    lines: list[str] = []
    last_run, last_scores = result.runs[-1], result.scores[-1]
    for case in result.cases:
        run, scores = last_run[case.id], last_scores[case.id]
        issues = []
        if run.outcome != case.expected_outcome:
            issues.append(f"outcome {run.outcome} (expected {case.expected_outcome})")
            if run.outcome == "no_answer" and run.reply:  # the check refused what the model wrote
                issues.append(f"reason {run.reason}, the model wrote {run.reply[:160]!r}")
        if scores.get("answer.fact_recall", 1.0) < 1.0:
            issues.append(f"fact recall {scores['answer.fact_recall']:.2f}")
        leaked = violations(run.answer, case.must_not_contain)
        if leaked:
            issues.append(f"contains forbidden {leaked}")
        if scores.get("retrieval.recall@5", 1.0) < 1.0:
            issues.append(f"recall@5 {scores['retrieval.recall@5']:.2f}")
        if issues:
            lines.append(f"- `{case.id}` ({case.category}) {case.question!r}: " + "; ".join(issues))
    return lines or ["(none)"]


def report_markdown(result: EvalResult) -> str:
    verdict = "PASSED" if result.passed else "FAILED"
    seconds = ", ".join(f"{k} {v:.0f} s" for k, v in result.seconds.items())
    lines = [
        f"# Eval report ({result.mode.replace('_', '-')})",
        "",
        f"- dataset: {result.dataset}",
        f"- cases: {len(result.cases)}, runs: {len(result.runs)}; "
        f"LLM: {result.llm or 'none'}; judge: {result.judge or 'none (judged metrics skipped)'}",
        f"- time: {seconds}; machine: {result.machine.get('cores')} cores, "
        f"load {result.machine.get('loadavg_start')} → {result.machine.get('loadavg_end')}",
        f"- gate: **{verdict}**",
        "",
    ]
    lines += [f"  - {f.status.upper()}: {f.message}" for f in result.findings]
    if result.baseline_note:
        lines += ["", f"Regressions not gated: {result.baseline_note}."]
    lines += ["", "## Metrics", "", *_metrics_table(result)]
    lines += ["", "## Per category", "", *_category_table(result.categories)]
    lines += ["", "![per category](categories.png)", "", "## Cases to look at", ""]
    lines += _problems(result)
    return "\n".join(lines) + "\n"


def write(result: EvalResult, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(
        json.dumps(results_json(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "report.md").write_text(report_markdown(result), encoding="utf-8")
