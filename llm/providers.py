"""Building the provider chain from settings: Groq online, llama.cpp locally."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from core.settings import Settings
from llm.breaker import CircuitBreaker
from llm.chain import Provider, ProviderChain
from llm.local_model import MODELS, ModelUnavailableError, is_ready, model_file


class LLMConfigError(ValueError):
    """``RAG_LLM`` names a provider or model we do not know."""


def provider_specs(settings: Settings) -> list[str]:
    if settings.llm != "auto":
        return [s.strip() for s in settings.llm.split(",") if s.strip()]
    specs = [f"groq/{settings.groq_model}"] if settings.groq_api_key else []
    return [*specs, f"local/{settings.local_model}"]


def _groq(settings: Settings, model: str) -> BaseChatModel:
    if not settings.groq_api_key:
        raise LLMConfigError("groq provider needs GROQ_API_KEY (or GROQ_API_KEY_FILE)")
    from langchain_groq import ChatGroq

    return ChatGroq(
        model=model,
        api_key=settings.groq_api_key,  # type: ignore[arg-type]
        temperature=0.0,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        # No retries inside a request: the SDK would sleep out a 429's Retry-After (up to 60 s)
        # and repeat a timed-out call. The chain is the retry policy: the breaker counts the
        # failure and the next provider answers now.
        max_retries=0,
        streaming=True,
    )


def _local(settings: Settings, name: str) -> BaseChatModel:
    spec = MODELS.get(name)
    if spec is None:
        raise LLMConfigError(f"unknown local model {name!r}; known: {', '.join(MODELS)}")
    if not is_ready(spec, settings.models_dir):
        # Never download a gigabyte inside a request: `rag models pull` (or `make run`) does it.
        raise ModelUnavailableError(
            f"local model {name} not in {settings.models_dir}; run `rag models pull`"
        )
    from langchain_community.chat_models import ChatLlamaCpp
    from llama_cpp.llama_cache import LlamaRAMCache

    model = ChatLlamaCpp(
        model_path=str(model_file(spec, settings.models_dir)),
        n_ctx=4096,
        n_batch=512,  # the whole prompt in one or two batches (measured: docs/BENCHMARKS.md)
        n_threads=settings.llm_threads,
        max_tokens=settings.llm_max_tokens,
        # Greedy decoding: grounded answers should not vary run to run.
        temperature=0.0,
        repeat_penalty=1.0,
        streaming=True,
        verbose=False,
    )
    # llama.cpp reuses the longest prompt prefix it still holds: the fixed system prompt is read
    # once, not per question. The RAM cache keeps that prefix's state when another prompt (the
    # rewrite node's) came in between.
    model.client.set_cache(LlamaRAMCache(capacity_bytes=settings.llm_prompt_cache_mb << 20))
    return model


def build_chain(settings: Settings) -> ProviderChain:
    providers = []
    for spec in provider_specs(settings):
        kind, _, model = spec.partition("/")
        if kind not in ("groq", "local") or not model:
            raise LLMConfigError(f"RAG_LLM entry {spec!r}: expected groq/<model> or local/<name>")
        breaker = CircuitBreaker(
            settings.breaker_failure_threshold,
            settings.breaker_recovery_s,
            settings.breaker_half_open_max,
        )

        def make(kind: str = kind, model: str = model) -> BaseChatModel:
            return _groq(settings, model) if kind == "groq" else _local(settings, model)

        # A remote reply is bounded as a whole; a local one by max_tokens at the model's speed.
        timeout_s = settings.llm_timeout_s if kind == "groq" else None
        providers.append(
            Provider(spec, make, breaker, serialize=kind == "local", timeout_s=timeout_s)
        )
    return ProviderChain(providers)
