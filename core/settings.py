"""Run-time settings: one typed object, read from the environment.

Every secret can also come from a file named by ``<NAME>_FILE`` (Docker/K8s secrets), which wins
over the plain variable so a secret never has to sit in the process environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args

Fusion = Literal["rrf", "weighted"]
QueryExpansion = Literal["none", "personal", "keyword", "both"]


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "personal-rag"


def read_secret(env: Mapping[str, str], name: str) -> str | None:
    """``NAME_FILE`` (file content, stripped) beats ``NAME``; empty means unset."""
    path = env.get(f"{name}_FILE")
    if path:
        value = Path(path).read_text(encoding="utf-8").strip()
    else:
        value = env.get(name, "").strip()
    return value or None


@dataclass(frozen=True)
class Settings:
    # Storage: every piece of state lives under one folder.
    data_dir: Path = field(default_factory=_default_data_dir)

    # Ingestion
    max_file_bytes: int = 20 * 1024 * 1024
    chunk_max_words: int = 180

    # Embeddings: "minilm-int8" (default, ONNX int8), "minilm-fp32", or "onnx:<folder>".
    embeddings: str = "minilm-int8"
    embed_batch_size: int = 32

    # Vector store: embedded Chroma under data_dir unless a server is named.
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_timeout_s: float = 10.0  # each request to a Chroma server

    # Retrieval
    fusion: Fusion = "weighted"  # measured: see docs/BENCHMARKS.md (SciFact and the sample set)
    rrf_k: int = 60
    dense_weight: float = 0.5
    candidates_per_leg: int = 100
    # Abbreviations the corpus defines (added to the question) and the documents' words for what
    # people ask about themselves (knowledge/lexicon.py, searched apart), on the keyword leg:
    # "personal" for first-person questions only (on every question, abbreviations cost SciFact
    # 0.024 nDCG@10), "keyword" for all, "both" for both legs (docs/BENCHMARKS.md).
    query_expansion: QueryExpansion = "personal"
    # The lexicon's words are searched apart and their keyword scores count this much.
    lexicon_weight: float = 0.5
    # Dense leg: a chunk's score is its own similarity and its best window's (a few lines of it,
    # knowledge/windows.py) mixed at this weight; 0 = the chunk's own only (docs/BENCHMARKS.md).
    window_weight: float = 0.5

    # Rerank
    rerank_model: str = "ms-marco-TinyBERT-L-2-v2"
    rerank_model_dir: Path | None = None
    rerank_top_n: int = 20
    rerank_timeout_ms: int = 300

    # Answer graph (defaults of graph.context.Context; Studio can override them per run)
    top_k: int = 5  # passages given to the LLM
    list_top_k: int = 10  # ... for a list question ("which certifications do I hold?")
    # Passage budget of the prompt (tokens ~ characters / 3). 250 halved the first token's wait
    # but left out a third of the passages that answer on documents not written with the code;
    # docs/BENCHMARKS.md ("the passage budget") has the trade measured on four sets.
    context_tokens: int = 700
    list_context_tokens: int = 1000  # ... for a list question
    passage_tokens: int = 120  # one passage is trimmed to its most relevant lines beyond this
    retrieve_k: int = 20  # fused candidates to rerank
    relevance_floor: float = 0.25
    personal_relevance_floor: float = 0.1
    rewrite_timeout_s: float = 20.0
    history_turns: int = 3

    # LLMs: "auto" = Groq when GROQ_API_KEY is set, then the local model; or an explicit chain
    # such as "groq/llama-3.1-8b-instant,local/qwen2.5-1.5b".
    llm: str = "auto"
    groq_model: str = "llama-3.1-8b-instant"
    local_model: str = "qwen2.5-1.5b"
    models_dir: Path = field(
        default_factory=lambda: Path.home() / ".cache" / "personal-rag" / "models"
    )
    local_model_source: Literal["pypi", "hub"] = "pypi"
    llm_timeout_s: float = 60.0
    llm_max_tokens: int = 384
    llm_threads: int = 2  # llama.cpp threads (measured on 2 cores: docs/BENCHMARKS.md)
    llm_prompt_cache_mb: int = 256  # llama.cpp prompt-prefix states kept in RAM
    breaker_failure_threshold: int = 3
    breaker_recovery_s: float = 30.0
    breaker_half_open_max: int = 1

    # Guard
    guard_fail_mode: Literal["open", "closed"] = "closed"
    guard_threshold: float | None = None  # classifier threshold; None = the one stored with it
    prompt_guard_threshold: float = 0.5  # Groq Llama Prompt Guard 2 (only with GROQ_API_KEY)

    # Sessions: Redis when REDIS_URL is set (TTL applies), else SQLite under data_dir.
    redis_url: str | None = field(default=None, repr=False)
    session_ttl_minutes: int = 60 * 24 * 7
    feedback_retention_days: int = 0  # 0: keep feedback

    # Backups (`rag backup` / `rag restore`)
    backup_dir: Path | None = None  # None: data_dir / "backups"
    backup_key_file: Path | None = None  # a Fernet key (`rag backup-key`): backups are encrypted
    pg_bin_dir: Path | None = None  # pg_dump/pg_restore; None: PATH, then /usr/lib/postgresql

    # HTTP service
    dev_mode: bool = False  # allows starting without API keys / JWT secret (local use only)
    max_body_bytes: int = 32 * 1024
    question_min_chars: int = 3
    question_max_chars: int = 2000
    cors_origins: tuple[str, ...] = ()
    hsts: bool = False  # send Strict-Transport-Security (only behind TLS)
    jwt_ttl_minutes: int = 30
    session_requests_per_minute: int = 20
    ip_requests_per_minute: int = 60
    login_attempts_per_minute: int = 10
    max_sessions_per_ip: int = 20
    max_sessions_total: int = 10_000
    cache_ttl_s: int = 3600
    langfuse_host: str | None = None
    eval_report_dir: Path | None = None  # the `rag eval --out` folder the admin console shows

    # Secrets (never printed)
    groq_api_key: str | None = field(default=None, repr=False)
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    jwt_secret: str | None = field(default=None, repr=False)
    database_url: str | None = field(default=None, repr=False)
    langfuse_public_key: str | None = field(default=None, repr=False)
    langfuse_secret_key: str | None = field(default=None, repr=False)

    @property
    def collection_name(self) -> str:
        return "chunks"

    @property
    def backups(self) -> Path:
        """Where ``rag backup`` writes (and the "backup too old" alert looks)."""
        return self.backup_dir or self.data_dir / "backups"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, var, kind in _ENV_VARS:
            raw = env.get(var)
            if raw is None or raw.strip() == "":
                continue
            values[name] = _parse(var, raw.strip(), kind)
        values["groq_api_key"] = read_secret(env, "GROQ_API_KEY")
        values["redis_url"] = read_secret(env, "REDIS_URL")
        values["api_keys"] = _split(read_secret(env, "RAG_API_KEYS"))
        values["jwt_secret"] = read_secret(env, "RAG_JWT_SECRET")
        values["database_url"] = read_secret(env, "DATABASE_URL")
        values["langfuse_public_key"] = read_secret(env, "LANGFUSE_PUBLIC_KEY")
        values["langfuse_secret_key"] = read_secret(env, "LANGFUSE_SECRET_KEY")
        settings = cls(**values)
        return replace(settings, **overrides) if overrides else settings

    def secret_values(self) -> list[str]:
        """Every configured secret (for log redaction): the fields hidden from ``repr``."""
        values: list[str] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if not f.repr and value:
                values += list(value) if isinstance(value, tuple) else [str(value)]
        return values

    def describe(self) -> dict[str, str]:
        """Settings safe to show (health, logs): secrets are reported as set/unset only."""
        shown: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            shown[f.name] = ("set" if value else "unset") if not f.repr else str(value)
        return shown


_ENV_VARS: list[tuple[str, str, type]] = [
    ("data_dir", "RAG_DATA_DIR", Path),
    ("max_file_bytes", "RAG_MAX_FILE_BYTES", int),
    ("chunk_max_words", "RAG_CHUNK_MAX_WORDS", int),
    ("embeddings", "RAG_EMBEDDINGS", str),
    ("embed_batch_size", "RAG_EMBED_BATCH_SIZE", int),
    ("chroma_host", "CHROMA_HOST", str),
    ("chroma_port", "CHROMA_PORT", int),
    ("chroma_timeout_s", "RAG_CHROMA_TIMEOUT_S", float),
    ("fusion", "RAG_FUSION", str),
    ("rrf_k", "RAG_RRF_K", int),
    ("dense_weight", "RAG_DENSE_WEIGHT", float),
    ("candidates_per_leg", "RAG_CANDIDATES_PER_LEG", int),
    ("window_weight", "RAG_WINDOW_WEIGHT", float),
    ("query_expansion", "RAG_QUERY_EXPANSION", str),
    ("lexicon_weight", "RAG_LEXICON_WEIGHT", float),
    ("rerank_model", "RAG_RERANK_MODEL", str),
    ("rerank_model_dir", "RAG_RERANK_MODEL_DIR", Path),
    ("rerank_top_n", "RAG_RERANK_TOP_N", int),
    ("rerank_timeout_ms", "RAG_RERANK_TIMEOUT_MS", int),
    ("top_k", "RAG_TOP_K", int),
    ("list_top_k", "RAG_LIST_TOP_K", int),
    ("context_tokens", "RAG_CONTEXT_TOKENS", int),
    ("list_context_tokens", "RAG_LIST_CONTEXT_TOKENS", int),
    ("passage_tokens", "RAG_PASSAGE_TOKENS", int),
    ("retrieve_k", "RAG_RETRIEVE_K", int),
    ("relevance_floor", "RAG_RELEVANCE_FLOOR", float),
    ("personal_relevance_floor", "RAG_PERSONAL_RELEVANCE_FLOOR", float),
    ("rewrite_timeout_s", "RAG_REWRITE_TIMEOUT_S", float),
    ("history_turns", "RAG_HISTORY_TURNS", int),
    ("llm", "RAG_LLM", str),
    ("groq_model", "RAG_GROQ_MODEL", str),
    ("local_model", "RAG_LOCAL_MODEL", str),
    ("models_dir", "RAG_MODELS_DIR", Path),
    ("local_model_source", "RAG_LOCAL_MODEL_SOURCE", str),
    ("llm_timeout_s", "RAG_LLM_TIMEOUT_S", float),
    ("llm_max_tokens", "RAG_LLM_MAX_TOKENS", int),
    ("llm_threads", "RAG_LLM_THREADS", int),
    ("llm_prompt_cache_mb", "RAG_LLM_PROMPT_CACHE_MB", int),
    ("breaker_failure_threshold", "RAG_BREAKER_FAILURES", int),
    ("breaker_recovery_s", "RAG_BREAKER_RECOVERY_S", float),
    ("breaker_half_open_max", "RAG_BREAKER_HALF_OPEN_MAX", int),
    ("guard_fail_mode", "RAG_GUARD_FAIL_MODE", str),
    ("guard_threshold", "RAG_GUARD_THRESHOLD", float),
    ("prompt_guard_threshold", "RAG_GUARD_PROMPT_GUARD_THRESHOLD", float),
    ("session_ttl_minutes", "RAG_SESSION_TTL_MINUTES", int),
    ("feedback_retention_days", "RAG_FEEDBACK_RETENTION_DAYS", int),
    ("backup_dir", "RAG_BACKUP_DIR", Path),
    ("backup_key_file", "RAG_BACKUP_KEY_FILE", Path),
    ("pg_bin_dir", "RAG_PG_BIN_DIR", Path),
    ("dev_mode", "RAG_DEV_MODE", bool),
    ("max_body_bytes", "RAG_MAX_BODY_BYTES", int),
    ("question_min_chars", "RAG_QUESTION_MIN_CHARS", int),
    ("question_max_chars", "RAG_QUESTION_MAX_CHARS", int),
    ("cors_origins", "RAG_CORS_ORIGINS", tuple),
    ("hsts", "RAG_HSTS", bool),
    ("jwt_ttl_minutes", "RAG_JWT_TTL_MINUTES", int),
    ("session_requests_per_minute", "RAG_SESSION_REQUESTS_PER_MINUTE", int),
    ("ip_requests_per_minute", "RAG_IP_REQUESTS_PER_MINUTE", int),
    ("login_attempts_per_minute", "RAG_LOGIN_ATTEMPTS_PER_MINUTE", int),
    ("max_sessions_per_ip", "RAG_MAX_SESSIONS_PER_IP", int),
    ("max_sessions_total", "RAG_MAX_SESSIONS_TOTAL", int),
    ("cache_ttl_s", "RAG_CACHE_TTL_S", int),
    ("langfuse_host", "LANGFUSE_HOST", str),
    ("eval_report_dir", "RAG_EVAL_REPORT_DIR", Path),
]

_CHOICES: dict[str, tuple[str, ...]] = {
    "RAG_FUSION": get_args(Fusion),
    "RAG_QUERY_EXPANSION": get_args(QueryExpansion),
    "RAG_LOCAL_MODEL_SOURCE": ("pypi", "hub"),
    "RAG_GUARD_FAIL_MODE": ("open", "closed"),
}


class SettingsError(ValueError):
    """A setting from the environment has a value we cannot use."""


def _split(raw: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (raw or "").replace("\n", ",").split(",") if part.strip())


def _parse(var: str, raw: str, kind: type) -> Any:
    if var in _CHOICES and raw not in _CHOICES[var]:
        raise SettingsError(f"{var}={raw!r}: expected one of {', '.join(_CHOICES[var])}")
    if kind is bool:
        if raw.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise SettingsError(f"{var}={raw!r}: expected true or false")
        return raw.lower() in ("1", "true", "yes", "on")
    if kind is tuple:
        return _split(raw)
    try:
        return kind(raw)
    except ValueError as exc:
        raise SettingsError(f"{var}={raw!r}: expected {kind.__name__}") from exc
