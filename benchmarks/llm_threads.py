"""llama.cpp prompt reading and generation speed by thread count and batch size, local model.

    python -m benchmarks.llm_threads [--model qwen2.5-1.5b] [--threads 1 2 4] [--rounds 2]

Reads the same ~300-token prompt (the size of an answer prompt after the context budget) and
generates 32 tokens, for each setting in turn, ``--rounds`` times interleaved so that other jobs on
the machine weigh on every setting alike. Prints prompt tokens/s and generated tokens/s (medians)
and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from core.settings import Settings
from llm.local_model import MODELS, model_file

PROMPT = " ".join(
    f"Term {n}: NURS {1000 + n} Foundations of Nursing Practice 3.0 A- 11.1; Cumulative GPA 3.{n}."
    for n in range(18)
)


def measure(path: str, threads: int, batch: int) -> tuple[float, float]:
    from llama_cpp import Llama

    llm = Llama(path, n_ctx=2048, n_threads=threads, n_batch=batch, verbose=False)
    tokens = llm.tokenize(PROMPT.encode())
    started = time.perf_counter()
    llm.eval(tokens)
    read = time.perf_counter() - started
    started = time.perf_counter()
    out = llm.create_completion(PROMPT, max_tokens=32, temperature=0.0)  # prompt is cached
    assert isinstance(out, dict)  # not streamed
    generated = out["usage"]["completion_tokens"]
    return len(tokens) / read, generated / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="qwen2.5-1.5b", choices=list(MODELS))
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--batches", type=int, nargs="+", default=[256, 512])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    path = str(model_file(MODELS[args.model], Settings.from_env().models_dir))
    settings = [(t, b) for t in args.threads for b in args.batches]
    results: dict[tuple[int, int], list[tuple[float, float]]] = {s: [] for s in settings}
    load = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for threads, batch in settings:
            results[(threads, batch)].append(measure(path, threads, batch))
    load.append(os.getloadavg()[0])
    print(f"{args.model}, {os.cpu_count()} cores, load {load[0]:.1f} -> {load[1]:.1f}")
    print("| threads | n_batch | prompt tok/s | generated tok/s |\n|---:|---:|---:|---:|")
    for (threads, batch), runs in results.items():
        prompt = statistics.median(r[0] for r in runs)
        gen = statistics.median(r[1] for r in runs)
        print(f"| {threads} | {batch} | {prompt:.0f} | {gen:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
