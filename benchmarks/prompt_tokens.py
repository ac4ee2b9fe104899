"""How many prompt tokens the local model must read before its first token, per question, and
how many of the passages that answer it are still in the prompt.

    python benchmarks/prompt_tokens.py [--dataset NAME ...] [--model qwen2.5-1.5b] [--out FILE]

Time to first token on a local model is almost all prompt reading (about 85 prompt tokens/s for
the 1.5B model on 2 uncontended cores), so the prompt's size is a load-independent measure of it:
wall-clock TTFT on a shared machine swings with other jobs, token counts do not. The real graph
(guard, retrieval, rerank, generate) runs over every first-turn answerable question of each eval
set with a chat model that records the messages it is sent; the messages are rendered with the
model's chat template and counted with its tokenizer. llama.cpp reuses the longest prompt prefix
it still holds, and every answer prompt starts with the same system prompt, so "to read" is the
prompt minus that prefix.

The passage budget (``RAG_CONTEXT_TOKENS``, ``RAG_PASSAGE_TOKENS``, ``RAG_LIST_CONTEXT_TOKENS``,
read from the environment) buys that speed by leaving passages or lines out. "References in
prompt" is the share of the eval set's reference excerpts (the text that answers) that the prompt
still holds, so one run per budget shows both sides of the trade without a model.

Run as a file, so that ``PYTHONPATH`` decides which code builds the prompts (for "before" numbers:
``PYTHONPATH=<checkout of the old commit> python benchmarks/prompt_tokens.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import Field

from core.settings import Settings
from evals.dataset import DATASETS, EvalCase, load_cases
from evals.references import squash
from graph.answerer import Answerer
from graph.builder import compile_graph
from graph.context import Context
from graph.services import Services
from knowledge.ingest import ingest
from llm.chain import Provider, ProviderChain
from llm.local_model import MODELS, model_file


class RecordingChatModel(BaseChatModel):
    """Answers "not found" at once and keeps every prompt it was sent."""

    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "recording-stub"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage("No answer."))])


def render(messages: list[BaseMessage]) -> tuple[str, str]:
    """The ChatML text Qwen2.5 reads, and its system-prompt prefix."""
    roles = {"system": "system", "human": "user", "ai": "assistant"}
    parts = [f"<|im_start|>{roles[m.type]}\n{m.content}<|im_end|>\n" for m in messages]
    return "".join(parts) + "<|im_start|>assistant\n", parts[0]


async def record(name: str, settings: Settings) -> list[tuple[EvalCase, list[BaseMessage]]]:
    """Every first-turn answerable question that reached the model, with the prompt it got."""
    dataset = DATASETS[name]
    cases = [
        c for c in load_cases(dataset.cases) if c.expected_outcome == "answered" and not c.history
    ]
    ingest([dataset.corpus], settings)
    model = RecordingChatModel()
    real = Services.from_settings(settings)
    services = Services(real.retriever, real.guard, ProviderChain([Provider("rec", lambda: model)]))
    answerer = Answerer(compile_graph(services, InMemorySaver()), Context.from_settings(settings))
    recorded = []
    for n, case in enumerate(cases):
        sent = len(model.prompts)
        await answerer.ask(case.question, f"tokens-{n}")
        if len(model.prompts) > sent:  # not refused before the model (guard, relevance floor)
            recorded.append((case, model.prompts[-1]))
    return recorded


def references_kept(case: EvalCase, messages: list[BaseMessage]) -> tuple[int, int]:
    """(reference excerpts found in the prompt, reference excerpts), matched as the eval resolves
    them against chunks."""
    prompt = squash(str(messages[-1].content))
    found = sum(squash(r.contains) in prompt for r in case.reference_contexts)
    return found, len(case.reference_contexts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", action="append", choices=list(DATASETS))
    parser.add_argument("--model", default="qwen2.5-1.5b", choices=list(MODELS))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from llama_cpp import Llama

    base = Settings.from_env()
    vocab = Llama(
        str(model_file(MODELS[args.model], base.models_dir)), vocab_only=True, verbose=False
    )

    def count(text: str) -> int:
        return len(vocab.tokenize(text.encode(), add_bos=False, special=True))

    results: dict[str, Any] = {}
    for name in args.dataset or list(DATASETS):
        with tempfile.TemporaryDirectory(prefix="prompt-tokens-") as tmp:
            settings = Settings.from_env(data_dir=Path(tmp), chroma_host=None)
            recorded = asyncio.run(record(name, settings))
        prompts = [messages for _, messages in recorded]
        kept = [references_kept(case, messages) for case, messages in recorded]
        totals, to_read = [], []
        for messages in prompts:
            text, prefix = render(messages)
            totals.append(count(text))
            to_read.append(count(text) - count(prefix))
        results[name] = {
            "budget": {
                "context_tokens": settings.context_tokens,
                "passage_tokens": settings.passage_tokens,
                "list_context_tokens": settings.list_context_tokens,
            },
            "prompts": len(prompts),
            "references_in_prompt": round(sum(k for k, _ in kept) / sum(n for _, n in kept), 3),
            "system_prefix_tokens": count(render(prompts[0])[1]) if prompts else 0,
            "total_mean": round(statistics.fmean(totals), 1),
            "total_p50": statistics.median(totals),
            "total_p95": sorted(totals)[int(0.95 * (len(totals) - 1))],
            "to_read_mean": round(statistics.fmean(to_read), 1),
            "to_read_p50": statistics.median(to_read),
            "to_read_p95": sorted(to_read)[int(0.95 * (len(to_read) - 1))],
        }
        print(name, results[name], flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
