"""Cross-encoder reranking with flashrank, optional and time-boxed.

flashrank downloads its model from a hub when ``<dir>/<model>/`` is missing. We never let it: the
model folder must already exist (configured path, or baked into the image). Without it the reranker
reports itself unavailable once and the fused order stands; a slow or failing model falls back to
the fused order too, so reranking can never fail a query.

The time box runs the model on a one-thread pool. An onnxruntime call cannot be interrupted, so a
call that overran its box finishes on that thread; but a new call is only handed to the thread
once it is free (waiting at most the box), so at most one abandoned call is ever running and none
queue up behind it.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

REQUIRED_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)


@dataclass(frozen=True)
class RerankStatus:
    available: bool
    detail: str


class Reranker:
    def __init__(self, model_name: str, model_dir: Path | None, timeout_ms: int) -> None:
        self.model_name = model_name
        self.model_dir = model_dir
        self.timeout_s = timeout_ms / 1000
        self._ranker: Any = None
        self._status: RerankStatus | None = None
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rerank")
        self._free = threading.Semaphore(1)  # the pool's thread has no call, running or queued

    def _missing(self) -> str | None:
        if self.model_dir is None:
            return "no reranker model folder configured (RAG_RERANK_MODEL_DIR)"
        folder = self.model_dir / self.model_name
        if not folder.is_dir():
            return f"reranker model folder {folder} not found"
        if not any(folder.glob("*.onnx")):
            return f"no .onnx file in {folder}"
        absent = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
        return f"{folder} lacks {', '.join(absent)}" if absent else None

    def status(self) -> RerankStatus:
        with self._lock:
            if self._status is None:
                self._status = self._load()
            return self._status

    def _load(self) -> RerankStatus:
        problem = self._missing()
        if problem is not None:
            log.warning("reranker unavailable, keeping fused order: %s", problem)
            return RerankStatus(False, problem)
        try:
            from flashrank import Ranker

            self._ranker = Ranker(
                model_name=self.model_name, cache_dir=str(self.model_dir), log_level="WARNING"
            )
        except Exception as exc:  # a broken model folder must not break search
            log.warning("reranker failed to load, keeping fused order: %s", exc)
            return RerankStatus(False, f"failed to load: {exc}")
        return RerankStatus(True, f"{self.model_name} from {self.model_dir}")

    def scores(self, query: str, texts: list[str]) -> list[float] | None:
        """One score per text, or None when the model is unavailable, failed or timed out."""
        if not texts or not self.status().available:
            return None
        from flashrank import RerankRequest

        passages = [{"id": i, "text": t} for i, t in enumerate(texts)]
        deadline = time.monotonic() + self.timeout_s
        if not self._free.acquire(timeout=self.timeout_s):
            log.warning(
                "reranker still busy after %.0f ms, keeping fused order", self.timeout_s * 1000
            )
            return None
        future = self._pool.submit(self._rank, RerankRequest(query=query, passages=passages))
        try:
            ranked = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            log.warning("rerank exceeded %.0f ms, keeping fused order", self.timeout_s * 1000)
            return None
        except Exception as exc:
            log.warning("rerank failed, keeping fused order: %s", exc)
            return None
        by_id = {int(p["id"]): float(p["score"]) for p in ranked}
        return [by_id[i] for i in range(len(texts))]

    def _rank(self, request: Any) -> Any:
        try:
            return self._ranker.rerank(request)
        finally:
            self._free.release()
