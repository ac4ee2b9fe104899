"""Where the time goes with the local model: time to first token, total, and per node.

    python -m benchmarks.answers [--model qwen2.5-1.5b] [--questions N]

Runs the real graph (real guard, retrieval, local llama.cpp model) over questions of the bundled
eval set, first turns and one follow-up, and prints per-question and per-node timings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

from core.settings import Settings
from graph.answerer import Answerer, open_answerer
from graph.node_names import Node
from graph.services import Services
from graph.sessions import new_session_id
from knowledge.ingest import ingest

REPO = Path(__file__).resolve().parent.parent
NODES = tuple(Node)


class NodeTimer(BaseCallbackHandler):
    def __init__(self) -> None:
        self.started: dict[UUID, tuple[str, float]] = {}
        self.spent: dict[str, float] = {}

    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: UUID, **kw: Any) -> None:
        node = (kw.get("metadata") or {}).get("langgraph_node")
        if node in NODES and kw.get("name") == node:
            self.started[run_id] = (node, time.perf_counter())

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kw: Any) -> None:
        if run_id in self.started:
            node, t0 = self.started.pop(run_id)
            self.spent[node] = self.spent.get(node, 0.0) + time.perf_counter() - t0


async def time_answers(settings: Settings, runs: list[tuple[list[str], dict[str, Any]]]) -> list:
    rows = []
    async with open_answerer(settings, Services.from_settings(settings)) as answerer:
        for history, case in runs:
            session = new_session_id()
            for earlier in history:  # earlier turns, not timed
                await answerer.ask(earlier, session)
            timer = NodeTimer()
            timed = Answerer(answerer.graph, answerer.context, observers=[timer])
            started = time.perf_counter()
            first = None
            final: dict[str, Any] = {}
            async for event in timed.stream(case["question"], session):
                if isinstance(event, dict):
                    final = dict(event)
                elif isinstance(event, str) and first is None:
                    first = time.perf_counter() - started
            total = time.perf_counter() - started
            facts = [f for f in case["expected_facts"] if f.lower() in final["answer"].lower()]
            rows.append((case, first, total, timer.spent, final, facts))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="qwen2.5-1.5b")
    parser.add_argument("--questions", type=int, default=6)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="rag-answers-")) / "data"
    settings = Settings.from_env(data_dir=data, llm=f"local/{args.model}")
    ingest([REPO / "samples" / "corpus"], settings)
    cases = [
        json.loads(line)
        for line in (REPO / "evals" / "datasets" / "sample_eval.jsonl").read_text().splitlines()
        if line.strip()
    ]
    picked = [c for c in cases if c["category"] in ("factual", "numeric", "negative")]
    picked = picked[: args.questions]
    follow_up = next(c for c in cases if c["category"] == "multi_turn")
    runs = [([], c) for c in picked] + [(follow_up["history"], follow_up)]
    rows = asyncio.run(time_answers(settings, runs))

    print(f"## Answers with local/{args.model} (2 cores)\n")
    print("| case | outcome | facts | TTFT s | total s | " + " | ".join(NODES) + " |")
    print("|---|---|---|---|---|" + "---|" * len(NODES))
    for case, first, total, spent, final, facts in rows:
        per_node = " | ".join(f"{spent.get(n, 0):.2f}" for n in NODES)
        ttft = f"{first:.1f}" if first is not None else "—"
        print(
            f"| {case['id']} | {final['outcome']} | {len(facts)}/{len(case['expected_facts'])} | "
            f"{ttft} | {total:.1f} | {per_node} |"
        )
    totals = [r[2] for r in rows]
    firsts = [r[1] for r in rows if r[1] is not None]
    print(
        f"\nmedian total {statistics.median(totals):.1f} s; median TTFT "
        f"{statistics.median(firsts):.1f} s"
        if firsts
        else ""
    )
    for case, _, _, _, final, _ in rows:
        print(f"- {case['id']}: {case['question']} → {final['answer'][:160]!r}")


if __name__ == "__main__":
    main()
