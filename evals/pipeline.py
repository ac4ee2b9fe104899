"""``rag eval`` end to end: corpus -> graph runs -> scores -> aggregates -> gate -> files.

The corpus is ingested into a throw-away data folder (or a kept one, ``data_dir``), so an eval never
touches the user's own documents or sessions; sessions live in memory for the same reason.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from core.settings import Settings
from evals import baseline, gate, report, thresholds
from evals.aggregate import by_category, flatten, summarise
from evals.chart import write_chart
from evals.dataset import DEFAULT_DATASET, EvalCase, dataset_named, load_cases
from evals.judge import Judge
from evals.ragas_metrics import RagasScorer
from evals.recording import RecordingRetriever
from evals.references import ResolvedReferences, resolve_all
from evals.result import EvalResult
from evals.runner import CaseRun, run_full, run_retrieval_only
from evals.scoring import Mode, Scores, score_run
from graph.answerer import Answerer
from graph.builder import compile_graph
from graph.context import Context
from graph.node_names import Node
from graph.services import Services
from knowledge import snapshot
from knowledge.ingest import ingest
from knowledge.layout import DataLayout
from llm.chain import ProviderChain

MakeServices = Callable[[Settings], Services]
Progress = Callable[[str], None]


class EvalSetupError(RuntimeError):
    """The eval could not start (corpus not ingested, model missing...)."""


@dataclass
class EvalConfig:
    mode: Mode = "full"
    runs: int = 1
    limit: int | None = None
    categories: tuple[str, ...] = ()
    per_category: int | None = None  # a quick run balanced over categories
    out_dir: Path = Path("eval-out")
    data_dir: Path | None = None  # None: a throw-away folder
    name: str = DEFAULT_DATASET  # the key of its thresholds and baseline
    dataset: Path = dataset_named(DEFAULT_DATASET).cases
    corpus: Path = dataset_named(DEFAULT_DATASET).corpus
    baseline: Path = baseline.BASELINE
    thresholds: Path = thresholds.THRESHOLDS
    judge: str | None = None

    @classmethod
    def for_dataset(cls, name: str, **options: Any) -> EvalConfig:
        """The registered dataset ``name``: its cases, corpus, thresholds and baseline."""
        dataset = dataset_named(name)
        return cls(name=name, dataset=dataset.cases, corpus=dataset.corpus, **options)


@contextmanager
def _data_dir(kept: Path | None) -> Iterator[Path]:
    if kept is not None:
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        yield Path(tmp) / "data"


def prepare_corpus(
    settings: Settings, corpus: Path, cases: Sequence[EvalCase]
) -> dict[str, ResolvedReferences]:
    """Ingest (incremental: a kept folder re-embeds nothing) and resolve every reference."""
    ingested = ingest([corpus], settings)
    if ingested.skipped:
        raise EvalSetupError(f"corpus files skipped: {ingested.skipped}")
    chunks = snapshot.load(DataLayout(settings.data_dir).index_dir).chunks
    return resolve_all(cases, chunks)


def eval_services(services: Services, mode: Mode) -> tuple[Services, RecordingRetriever]:
    recorder = RecordingRetriever(services.retriever)
    # Retrieval-only gets an empty provider chain: should the graph ever reach an LLM node
    # the call fails loudly (fallback outcome) instead of quietly using a model.
    llm = services.llm if mode == "full" else ProviderChain([])
    return Services(recorder, services.guard, llm), recorder


def eval_answerer(services: Services, settings: Settings, mode: Mode) -> Answerer:
    """The product's graph and context; sessions in memory, stopped before generate in
    retrieval-only mode."""
    graph = compile_graph(
        services,
        InMemorySaver(),
        interrupt_before=[Node.GENERATE] if mode == "retrieval_only" else None,
    )
    return Answerer(graph, Context.from_settings(settings))


async def run_cases(
    answerer: Answerer,
    recorder: RecordingRetriever,
    cases: Sequence[EvalCase],
    mode: Mode,
    run_number: int,
    progress: Progress,
) -> dict[str, CaseRun]:
    run_case = run_full if mode == "full" else run_retrieval_only
    results: dict[str, CaseRun] = {}
    for n, case in enumerate(cases, start=1):
        results[case.id] = await run_case(answerer, recorder, case, f"eval-{run_number}-{case.id}")
        done = results[case.id]
        progress(
            f"run {run_number} [{n}/{len(cases)}] {case.id}: {done.outcome} "
            f"({done.session_seconds:.1f} s)"
        )
    return results


async def score_all(
    cases: Sequence[EvalCase],
    refs: dict[str, ResolvedReferences],
    runs: Sequence[dict[str, CaseRun]],
    mode: Mode,
    judge: Judge | None,
    progress: Progress,
) -> list[dict[str, Scores]]:
    ragas = RagasScorer()
    scored: list[dict[str, Scores]] = []
    for number, run in enumerate(runs, start=1):
        scores: dict[str, Scores] = {}
        for n, case in enumerate(cases, start=1):
            scores[case.id] = await score_run(case, refs[case.id], run[case.id], mode, ragas, judge)
            if judge is not None:  # judging is the slow part: minutes per case on a local model
                progress(f"judged run {number} [{n}/{len(cases)}] {case.id}")
        scored.append(scores)
    return scored


@dataclass
class Measured:
    cases: list[EvalCase]
    runs: list[dict[str, CaseRun]]
    scores: list[dict[str, Scores]]
    llm: str
    judge: str | None
    seconds: dict[str, float]


def measure(config: EvalConfig, make_services: MakeServices, progress: Progress) -> Measured:
    """Ingest, run every case ``config.runs`` times, score."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    cases = load_cases(config.dataset, config.limit, config.categories, config.per_category)
    with _data_dir(config.data_dir) as data_dir:
        # Embedded Chroma under the eval's own folder even when CHROMA_HOST names a server:
        # the sample corpus must never be ingested into someone's real store.
        settings = Settings.from_env(data_dir=data_dir, chroma_host=None)
        refs = prepare_corpus(settings, config.corpus, cases)
        services, recorder = eval_services(make_services(settings), config.mode)
        for provider in services.llm.providers:
            provider.model()  # load now: the first case's latency must not include model loading
        judged = config.mode == "full"  # retrieval-only has no answers to judge
        judge = Judge.from_spec(config.judge, settings) if config.judge and judged else None
        answerer = eval_answerer(services, settings, config.mode)
        seconds["setup"] = time.perf_counter() - started
        runs = []
        for number in range(1, config.runs + 1):
            phase = time.perf_counter()
            run = run_cases(answerer, recorder, cases, config.mode, number, progress)
            runs.append(asyncio.run(run))
            seconds[f"run_{number}"] = time.perf_counter() - phase
        phase = time.perf_counter()
        scores = asyncio.run(score_all(cases, refs, runs, config.mode, judge, progress))
        seconds["scoring"] = time.perf_counter() - phase
    llm = ",".join(p.name for p in services.llm.providers)
    return Measured(cases, runs, scores, llm, judge.name if judge else None, seconds)


def run_eval(
    config: EvalConfig,
    make_services: MakeServices = Services.from_settings,
    progress: Progress = lambda _: None,
) -> EvalResult:
    """Measure, aggregate, gate against thresholds and the baseline, write the report files."""
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    rules = thresholds.load(config.thresholds, config.name)  # fails before the slow part
    m = measure(config, make_services, progress)
    case_ids = [c.id for c in m.cases]
    overall = summarise(m.scores, case_ids)
    categories = by_category(m.scores, {c.id: c.category for c in m.cases})
    flat = flatten(overall, categories)
    values = {name: s.value for name, s in flat.items()}
    current = baseline.section(config.mode, case_ids, m.llm, m.judge, values)
    recorded = baseline.recorded(config.baseline, config.name, config.mode)
    note = baseline.incomparable(recorded, current)
    gated = None if note else baseline.gated_metrics(recorded, m.judge)
    findings = gate.check(
        thresholds.rules_for(rules, config.mode, m.judge is not None), flat, gated
    )
    m.seconds["total"] = time.perf_counter() - started
    overall_values = {k: v for k, v in values.items() if k in overall}
    result = EvalResult(
        dataset=config.name,
        mode=config.mode,
        cases=m.cases,
        llm=m.llm,
        judge=m.judge,
        runs=m.runs,
        scores=m.scores,
        overall=overall,
        categories=categories,
        findings=findings,
        deltas=baseline.deltas(recorded.get("metrics", {}), overall_values),
        baseline_note=note,
        baseline_entry=current,
        seconds=m.seconds,
        machine={
            "cores": os.cpu_count(),
            "loadavg_start": round(load_start, 2),
            "loadavg_end": round(os.getloadavg()[0], 2),
        },
    )
    report.write(result, config.out_dir)
    title = f"rag eval {config.name} ({config.mode}), {len(m.cases)} cases, {config.runs} run(s)"
    write_chart(categories, config.out_dir / "categories.png", title)
    return result
