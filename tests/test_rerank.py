"""The rerank stage: used when a model folder is present, never fails a query when it is not."""

import logging
import time
from pathlib import Path

import pytest

from core.settings import Settings
from knowledge.rerank import Reranker
from knowledge.retriever import HybridRetriever
from tests.plumbing_reranker import write_plumbing_model

QUERY = "When does my Kubernetes certification expire?"


def test_without_a_model_the_fused_order_stands_and_status_says_why(
    sample_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    retriever = HybridRetriever(sample_settings)
    fused = retriever.retrieve(QUERY, 10)
    with caplog.at_level(logging.WARNING):
        ranked = retriever.rerank(QUERY, list(fused))
        retriever.rerank(QUERY, list(fused))
    assert [r.chunk_id for r in ranked] == [r.chunk_id for r in fused]
    status = retriever.reranker.status()
    assert not status.available and "RAG_RERANK_MODEL_DIR" in status.detail
    assert sum("reranker unavailable" in r.message for r in caplog.records) == 1  # said once


def test_an_incomplete_model_folder_is_reported(tmp_path: Path) -> None:
    folder = write_plumbing_model(tmp_path)
    (folder / "tokenizer.json").unlink()
    status = Reranker(folder.name, tmp_path, 300).status()
    assert not status.available and "tokenizer.json" in status.detail


def test_a_present_model_reorders_the_top_n_and_keeps_the_tail(
    sample_settings: Settings, tmp_path: Path
) -> None:
    write_plumbing_model(tmp_path)
    settings = Settings.from_env(
        {}, data_dir=sample_settings.data_dir, rerank_model_dir=tmp_path, rerank_top_n=5
    )
    retriever = HybridRetriever(settings)
    fused = retriever.retrieve(QUERY, 10)
    ranked = retriever.rerank(QUERY, [r for r in fused])
    assert retriever.reranker.status().available
    head = ranked[:5]
    assert all(r.rerank_score is not None for r in head)
    assert [r.score for r in head] == sorted((r.score for r in head), reverse=True)
    assert {r.chunk_id for r in head} == {r.chunk_id for r in fused[:5]}
    assert [r.chunk_id for r in ranked[5:]] == [r.chunk_id for r in fused[5:]]
    assert all(r.rerank_score is None for r in ranked[5:])


def test_a_slow_reranker_is_cut_off_and_the_fused_order_kept(
    sample_settings: Settings, tmp_path: Path
) -> None:
    write_plumbing_model(tmp_path)
    reranker = Reranker("ms-marco-TinyBERT-L-2-v2", tmp_path, timeout_ms=50)
    assert reranker.status().available
    real = reranker._ranker.rerank

    def slow(request):  # the real model, made slow
        time.sleep(0.3)
        return real(request)

    reranker._ranker.rerank = slow
    assert reranker.scores(QUERY, ["a", "b"]) is None
