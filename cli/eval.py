"""``rag eval``: score the answer graph on an eval set (``--dataset``); ``--gate`` for CI."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from evals.dataset import DATASETS

if TYPE_CHECKING:
    from evals.result import EvalResult


def eval_command(
    dataset: Annotated[
        str,
        typer.Option(
            "--dataset",
            help=f"Eval set and its corpus: {', '.join(DATASETS)} (the sample set was written "
            "with the code; the others without looking at it).",
        ),
    ] = "sample",
    gate: Annotated[
        bool,
        typer.Option(
            "--gate", help="Exit 1 when a metric breaks the dataset's evals/thresholds.yaml."
        ),
    ] = False,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for report.md, results.json, categories.png.")
    ] = Path("eval-out"),
    runs: Annotated[
        int, typer.Option("--runs", min=1, help="Repeat every case N times and average.")
    ] = 1,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the first N cases.")
    ] = None,
    per_category: Annotated[
        int | None,
        typer.Option(
            "--per-category", min=1, help="Only the first N cases of each category (quick runs)."
        ),
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option("--category", help="Only this category (repeatable), e.g. factual, attack."),
    ] = None,
    retrieval_only: Annotated[
        bool,
        typer.Option(
            "--retrieval-only",
            help="No LLM: retrieval metrics, guard and relevance-floor outcomes only (fast).",
        ),
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Keep the eval corpus in this folder between runs (default: a temporary one). "
            "Not your real data folder: the sample corpus is ingested into it.",
        ),
    ] = None,
    update_baseline: Annotated[
        bool,
        typer.Option(
            "--update-baseline",
            help="Record this run as the dataset's baseline for the mode in evals/baseline.json.",
        ),
    ] = False,
) -> None:
    """Run an eval set through the graph and score it with Ragas and our own checks.

    LLM-judged metrics run only when RAG_EVAL_JUDGE names a judge (groq/<model> or local/<name>).
    """
    # Imported here so other `rag` commands start without loading Ragas and the graph.
    from evals import baseline
    from evals.dataset import DatasetError
    from evals.judge import judge_spec
    from evals.pipeline import EvalConfig, EvalSetupError, run_eval
    from evals.references import UnresolvedReferenceError
    from evals.thresholds import ThresholdsError
    from llm.local_model import ModelUnavailableError
    from llm.providers import LLMConfigError

    if update_baseline and (limit or category or per_category):
        raise typer.BadParameter(
            "a baseline must come from the whole eval set",
            param_hint="--limit/--category/--per-category",
        )
    try:
        config = EvalConfig.for_dataset(
            dataset,
            mode="retrieval_only" if retrieval_only else "full",
            runs=runs,
            limit=limit,
            categories=tuple(category or ()),
            per_category=per_category,
            out_dir=out,
            data_dir=data_dir,
            judge=judge_spec(),
        )
    except DatasetError as exc:
        raise typer.BadParameter(str(exc), param_hint="--dataset") from exc
    try:
        result = run_eval(config, progress=lambda line: typer.echo(line, err=True))
    except (EvalSetupError, DatasetError, UnresolvedReferenceError, ThresholdsError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except (LLMConfigError, ModelUnavailableError) as exc:
        typer.echo(f"error: {exc} (answering LLM: RAG_LLM; judge: RAG_EVAL_JUDGE)", err=True)
        raise typer.Exit(2) from exc

    _print_summary(result, out)
    if update_baseline:
        load = f"load {result.machine['loadavg_start']} -> {result.machine['loadavg_end']}"
        note = (
            f"{datetime.date.today()}, {runs} run(s), {result.seconds['total']:.0f} s "
            f"on {os.cpu_count()} cores ({load})"
        )
        baseline.save(config.baseline, config.name, config.mode, result.baseline_entry, note)
        typer.echo(f"baseline for {config.name} ({config.mode}) written to {config.baseline}")
    if gate and not result.passed:
        raise typer.Exit(1)


def _print_summary(result: EvalResult, out: Path) -> None:
    """Deltas against the baseline, then what the gate did not like."""
    runs = len(result.runs)
    typer.echo(f"\n{len(result.cases)} cases x {runs} run(s), {result.seconds['total']:.0f} s")
    for delta in result.deltas:
        typer.echo(
            f"  {delta.metric:34} {delta.current:8.3f}  "
            f"(baseline {delta.baseline:.3f}, {delta.change:+.3f})"
        )
    if result.baseline_note:
        typer.echo(f"regressions not gated: {result.baseline_note}")
    for finding in result.findings:
        if finding.status != "pass":
            typer.echo(f"{finding.status.upper()}: {finding.message}")
    typer.echo(f"gate: {'PASSED' if result.passed else 'FAILED'}; report: {out / 'report.md'}")
