"""The rerank models for step 4: the untrained plumbing folders, and the model's cost alone."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from benchmarks.retrieval.output import log
from benchmarks.retrieval.timing import stats, timed
from knowledge.retriever import HybridRetriever


def plumbing_models(work: Path, model_name: str) -> tuple[Path | None, Path | None]:
    """The trivial and the TinyBERT-L2-shaped plumbing folders under ``work`` (none without onnx).

    Untrained (``tests.plumbing_reranker``): they time the rerank stage, never its quality.
    """
    try:
        from tests.plumbing_reranker import write_plumbing_model

        rerank_dir, proxy_dir = work / "rerank-plumbing", work / "rerank-tinybert-shape"
        write_plumbing_model(rerank_dir, model_name, compute="trivial")
        write_plumbing_model(proxy_dir, model_name, compute="tinybert-l2")
    except ImportError as exc:
        log(f"rerank latency skipped: {exc} (pip install onnx)")
        return None, None
    return rerank_dir, proxy_dir


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
            timed(partial(ranker.rerank, RerankRequest(query=text, passages=passages)), times)
        out[f"rerank_model_top{top_n}_max{max_length}"] = stats(times)
    return out
