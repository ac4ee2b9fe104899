"""LLM-judged Ragas metrics (faithfulness, answer relevancy, context precision), opt-in.

``RAG_EVAL_JUDGE`` names the judge the way ``RAG_LLM`` names a provider (``groq/<model>`` or
``local/<name>``); unset, these metrics are skipped. The judge is a LangChain chat model reached
through our own provider chain, handed to Ragas' ``LangchainLLMWrapper``: in Ragas 0.4 the
replacement (``llm_factory`` + ``ragas.metrics.collections``) accepts only Instructor/OpenAI-style
clients, and the local model is an in-process llama.cpp, not a server.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from ragas.dataset_schema import SingleTurnSample
from ragas.embeddings.base import LangchainEmbeddingsWrapper
from ragas.llms.base import LangchainLLMWrapper
from ragas.metrics._answer_relevance import ResponseRelevancy
from ragas.metrics._context_precision import LLMContextPrecisionWithReference
from ragas.metrics._faithfulness import Faithfulness
from ragas.metrics.base import SingleTurnMetric
from ragas.run_config import RunConfig

from core.settings import Settings
from evals.answer_checks import strip_citations
from knowledge.embeddings import load_embeddings
from llm.chain import ProviderChain
from llm.providers import build_chain

log = logging.getLogger(__name__)

JUDGE_ENV = "RAG_EVAL_JUDGE"
# Statement lists and per-statement verdicts are longer than an answer; cut JSON scores NaN.
JUDGE_MAX_TOKENS = 1024
# The provider chain already retries across providers behind circuit breakers; Ragas' default of
# 10 attempts up to 60 s apart would turn a judge that is down into minutes per metric and case.
JUDGE_RUN_CONFIG = RunConfig(max_retries=2, max_wait=5)
# A judge call stuck behind a busy CPU must not stall the whole eval: past this it scores NaN.
METRIC_TIMEOUT_S = 600.0


def judge_spec(env: Mapping[str, str] | None = None) -> str | None:
    value = (os.environ if env is None else env).get(JUDGE_ENV, "").strip()
    return value or None


class ChainChatModel(BaseChatModel):
    """A chat model that answers through a provider chain, so the judge gets the chain's
    per-provider lock (llama.cpp is not thread-safe, and Ragas sends prompts concurrently)
    and circuit breakers."""

    chain: ProviderChain

    @property
    def _llm_type(self) -> str:
        return "provider-chain"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply, _ = self.chain.invoke(messages)
        return ChatResult(generations=[ChatGeneration(message=reply)])


class Judge:
    def __init__(self, name: str, chain: ProviderChain, embeddings: Embeddings) -> None:
        self.name = name
        with warnings.catch_warnings():
            # The deprecation is known and deliberate (see the module docstring).
            warnings.simplefilter("ignore", DeprecationWarning)
            llm = LangchainLLMWrapper(ChainChatModel(chain=chain), run_config=JUDGE_RUN_CONFIG)
            wrapped_embeddings = LangchainEmbeddingsWrapper(embeddings)
        self.faithfulness = Faithfulness(llm=llm)
        # Our providers decode greedily, so Ragas' default of 3 generated questions would be 3
        # identical ones at 3x the cost.
        self.answer_relevancy = ResponseRelevancy(
            llm=llm, embeddings=wrapped_embeddings, strictness=1
        )
        self.context_precision = LLMContextPrecisionWithReference(llm=llm)

    @classmethod
    def from_spec(cls, spec: str, settings: Settings) -> Judge:
        chain = build_chain(replace(settings, llm=spec, llm_max_tokens=JUDGE_MAX_TOKENS))
        for provider in chain.providers:
            provider.model()  # a judge that cannot load fails now, not after an hour of answers
        return cls(spec, chain, load_embeddings(settings.embeddings, settings.embed_batch_size))

    async def score(
        self, question: str, answer: str, contexts: Sequence[str], reference: str
    ) -> dict[str, float]:
        response = strip_citations(answer)
        scores = {
            "judge.faithfulness": await self._run(
                self.faithfulness,
                SingleTurnSample(
                    user_input=question, response=response, retrieved_contexts=list(contexts)
                ),
            ),
            "judge.answer_relevancy": await self._run(
                self.answer_relevancy, SingleTurnSample(user_input=question, response=response)
            ),
        }
        if reference:
            scores["judge.context_precision"] = await self._run(
                self.context_precision,
                SingleTurnSample(
                    user_input=question, reference=reference, retrieved_contexts=list(contexts)
                ),
            )
        return scores

    async def _run(self, metric: SingleTurnMetric, sample: SingleTurnSample) -> float:
        """A judge that fails or returns unparsable output scores NaN, which is counted."""
        try:
            return float(await metric.single_turn_ascore(sample, timeout=METRIC_TIMEOUT_S))
        except Exception as exc:
            log.warning("judge metric %s failed: %s: %s", metric.name, type(exc).__name__, exc)
            return math.nan
