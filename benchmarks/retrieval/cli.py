"""The command: arguments, the steps in order, the Markdown, the goals and the JSON."""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import benchmarks.retrieval as package
from benchmarks.retrieval.machine import machine, peak_rss_mb
from benchmarks.retrieval.output import log
from benchmarks.retrieval.phases.embedding import phase_raw_embed, stored_vectors
from benchmarks.retrieval.phases.ingest import phase_ingest, phase_reingest
from benchmarks.retrieval.phases.latency import phase_latency
from benchmarks.retrieval.phases.quality import phase_quality
from benchmarks.retrieval.phases.rerank_cost import plumbing_models
from benchmarks.retrieval.report import configured_fusion, markdown
from benchmarks.retrieval.scifact import limit_corpus, load_scifact, write_markdown
from core.settings import Settings
from knowledge.retriever import HybridRetriever

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SCIFACT = REPO.parent / "shared" / "bench" / "scifact"
RELEVANT_SETTINGS = (
    "chunk_max_words",
    "embeddings",
    "embed_batch_size",
    "fusion",
    "rrf_k",
    "dense_weight",
    "candidates_per_leg",
    "rerank_model",
    "rerank_top_n",
    "rerank_timeout_ms",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.retrieval", description=(package.__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    parser.add_argument(
        "--work", type=Path, help="keep the Markdown corpus and data folder here (default: temp)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --work: skip ingestion if an index exists"
    )
    parser.add_argument("--limit-docs", type=int, help="smoke run: qrels docs + N others")
    parser.add_argument(
        "--no-raw-embed", action="store_true", help="skip step 1b (and exact dense)"
    )
    parser.add_argument("--no-rerank", action="store_true", help="skip the rerank latency")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus, queries, qrels = load_scifact(args.scifact)
    qrels = {q: r for q, r in qrels.items() if q in queries}
    if args.limit_docs is not None:
        corpus = limit_corpus(corpus, qrels, args.limit_docs)
    log(f"SciFact: {len(corpus)} docs, {len(queries)} queries, {len(qrels)} with qrels")

    tmp = None
    if args.work:
        work = args.work.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="rag-bench-")
        work = Path(tmp)
    docs_dir, data_dir = work / "scifact-md", work / "data"
    settings = Settings.from_env(data_dir=data_dir)
    results: dict[str, Any] = {
        "dataset": str(args.scifact),
        "machine": machine(),
        "settings": {k: getattr(settings, k) for k in RELEVANT_SETTINGS},
    }
    log(f"machine: {results['machine']}")
    log(
        f"settings: fusion={settings.fusion} rrf_k={settings.rrf_k} "
        f"dense_weight={settings.dense_weight} candidates_per_leg={settings.candidates_per_leg} "
        f"chunk_max_words={settings.chunk_max_words} embeddings={settings.embeddings}"
    )
    try:
        chunk_texts: list[str] = []
        reuse = args.reuse and (data_dir / "index" / "CURRENT").exists()
        if not reuse:
            shutil.rmtree(data_dir, ignore_errors=True)
            shutil.rmtree(docs_dir, ignore_errors=True)
            write_markdown(corpus, docs_dir)
            results["ingest"] = phase_ingest(docs_dir, settings, chunk_texts)
        else:
            log("== 1. ingest skipped (--reuse) ==")
            probe = HybridRetriever(settings)
            chunk_texts.extend(c.indexed_text() for c in probe.corpus.chunks)
            results["ingest"] = {"reused": True, "chunks": len(chunk_texts)}
        vectors = None
        if not args.no_raw_embed:
            results["raw_embed"], vectors = phase_raw_embed(settings, chunk_texts)
            if "chunks_per_s" in results["ingest"]:
                ratio = results["ingest"]["chunks_per_s"] / results["raw_embed"]["chunks_per_s"]
                results["ingest_vs_raw_ratio"] = round(ratio, 3)
                log(
                    f"ingest {results['ingest']['chunks_per_s']} chunks/s vs raw "
                    f"{results['raw_embed']['chunks_per_s']} chunks/s = {ratio:.0%} of the limit"
                )
        if not reuse:
            results["reingest"] = phase_reingest(docs_dir, settings, results["ingest"]["seconds"])

        retriever = HybridRetriever(settings)
        if vectors is None:
            vectors = stored_vectors(retriever)
        results["quality"] = phase_quality(retriever, queries, qrels, vectors)

        rerank_dir = proxy_dir = None
        if not args.no_rerank:
            rerank_dir, proxy_dir = plumbing_models(work, settings.rerank_model)
        query_texts = [queries[q] for q in qrels]
        results["latency"] = phase_latency(settings, query_texts, rerank_dir, proxy_dir)
        results["peak_rss_mb"] = round(peak_rss_mb(), 1)

        goals = goals_check(results)
        results["goals"] = goals
        log("\n== results (Markdown) ==\n")
        log(markdown(results))
        log("")
        for name, ok in goals.items():
            log(f"goal {name}: {'MET' if ok else 'NOT met'}")
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
            log(f"wrote {args.out}")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def goals_check(results: dict[str, Any]) -> dict[str, bool]:
    runs = results["quality"]["runs"]
    default = configured_fusion(results["settings"])
    # The product path: retrieve() with the configured fusion and candidates_per_leg.
    fused = runs["retrieve()_as_configured"]["ndcg@10"]
    legs = max(runs["bm25"]["ndcg@10"], runs["dense"]["ndcg@10"])
    goals = {
        f"retrieve() ({default}) nDCG@10 >= 0.70": fused >= 0.70,
        f"retrieve() ({default}) >= each leg alone": fused >= legs,
    }
    p95 = results["latency"]["stages"]["retrieve"]["p95_ms"]
    goals["retrieve() p95 <= 50 ms"] = p95 <= 50
    return goals
