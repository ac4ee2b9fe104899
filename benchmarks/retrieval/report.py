"""The results as Markdown: the Ingestion, Quality and Latency sections of docs/BENCHMARKS.md."""

from __future__ import annotations

from typing import Any

from benchmarks.retrieval.phases.quality import DENSE_WEIGHTS

# Published nDCG@10 on BEIR SciFact test (see /work/shared/bench/README.md).
PUBLISHED = {
    "bm25": ("BM25 flat, Anserini", "0.679"),
    "bm25s": ("bm25s, English stemmer + stopwords", "0.686"),
    "dense": ("all-MiniLM-L6-v2 (MTEB, uncertain)", "0.645-0.674"),
    "dense_bge": ("BGE-base-en-v1.5, Anserini", "0.741"),
    "rrf": ("RRF BM25 + BGE-base, quackir", "0.744"),
}


def configured_fusion(settings: dict[str, Any]) -> str:
    """The quality run named after the configured fusion, e.g. ``weighted_w0.5``."""
    if settings["fusion"] == "rrf":
        return f"rrf_k{settings['rrf_k']}"
    return f"weighted_w{settings['dense_weight']}"


def markdown(results: dict[str, Any]) -> str:
    ing, raw, re_ = results["ingest"], results.get("raw_embed"), results.get("reingest")
    quality = results["quality"]
    q = quality["runs"]
    lat = results["latency"]
    s = results["settings"]
    n = s["candidates_per_leg"]
    default_fusion = configured_fusion(s)
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
