"""Serving benchmark on loopback: requests/s and p50/p95 for a cached answer, retrieval only, and a
full answer with an instant stub LLM (the service's own cost), next to the graph called
in-process and a bare FastAPI route under the same uvicorn and client (the floor: cached answers
as a share of it); plus the server's memory. Bounded: each scenario runs for --seconds. The
cached and bare scenarios alternate --rounds times and report medians, so a busy machine skews
both alike.

    python -m benchmarks.serving [--seconds 10] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.stub_llm import InstantChatModel
from core.settings import Settings
from graph.answerer import open_answerer
from graph.services import Services
from knowledge.ingest import ingest
from knowledge.retriever import HybridRetriever
from llm.chain import Provider, ProviderChain
from safety.guard import InputGuard

REPO = Path(__file__).resolve().parent.parent
KEY = "bench-key-0123456789abcdef"
QUESTION = "When does my Kubernetes certification expire?"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def in_process(data_dir: Path, n: int) -> list[float]:
    settings = Settings.from_env({}, data_dir=data_dir)
    services = Services(
        HybridRetriever(settings),
        InputGuard.from_settings(settings),
        ProviderChain([Provider("stub", InstantChatModel)]),
    )
    timings = []

    async def ask_all() -> None:
        async with open_answerer(settings, services) as answerer:
            for i in range(n):
                started = time.perf_counter()
                await answerer.ask(f"{QUESTION} (variant {i})", f"inproc-{i}")
                timings.append(time.perf_counter() - started)

    asyncio.run(ask_all())
    return timings[3:]  # drop warm-up


async def load(
    base: str, make_request: Any, seconds: float, concurrency: int
) -> tuple[int, list[float], int]:
    timings: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = await make_request(client, next(counter))
            timings.append(time.perf_counter() - started)
            errors += response.status_code >= 400

    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": KEY}, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return len(timings), timings, errors


def invoke(question: str, session: str) -> dict[str, Any]:
    return {"input": {"question": question}, "config": {"configurable": {"thread_id": session}}}


Run = tuple[int, list[float], int]


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run[0])[len(runs) // 2]


async def scenarios(
    base: str, bare: str, seconds: float, concurrency: int, rounds: int
) -> dict[str, Any]:
    sessions = itertools.count()  # a new session per cached request: each is a first turn

    async def cached(client: httpx.AsyncClient, i: int) -> httpx.Response:
        return await client.post("/rag/invoke", json=invoke(QUESTION, f"cached-{next(sessions)}"))

    async def retrieve(client: httpx.AsyncClient, i: int) -> httpx.Response:
        return await client.post("/retrieve", json={"query": f"{QUESTION} {i}", "k": 5})

    async def full(client: httpx.AsyncClient, i: int) -> httpx.Response:
        return await client.post("/rag/invoke", json=invoke(f"{QUESTION} (#{i})", f"full-{i}"))

    await cached(httpx.AsyncClient(base_url=base, headers={"X-API-Key": KEY}), -1)  # fill cache
    runs: dict[str, list[Run]] = {"cached answer": [], "bare FastAPI route (the floor)": []}
    for _ in range(rounds):
        runs["cached answer"].append(await load(base, cached, seconds, concurrency))
        floor = await load(bare, cached, seconds, concurrency)
        runs["bare FastAPI route (the floor)"].append(floor)
    results = {name: median_run(measured) for name, measured in runs.items()}
    results["retrieval (/retrieve)"] = await load(base, retrieve, seconds, concurrency)
    results["full answer, stub LLM"] = await load(base, full, seconds, concurrency)
    results["full answer, stub LLM, 1 client"] = await load(base, full, seconds, 1)
    return results


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="cached vs bare alternations")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rag-serving-"))
    server_data, local_data = work / "server", work / "local"
    ingest([REPO / "samples" / "corpus"], Settings.from_env({}, data_dir=server_data))
    shutil.copytree(server_data, local_data)
    port = 8765
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(server_data),
        "RAG_API_KEYS": KEY,
        "BENCH_PORT": str(port),
        # rate limits off: this measures the service, not the limiter's refusals
        "RAG_IP_REQUESTS_PER_MINUTE": "0",
        "RAG_SESSION_REQUESTS_PER_MINUTE": "0",
        "RAG_MAX_SESSIONS_PER_IP": "0",
        "RAG_MAX_SESSIONS_TOTAL": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.serve_stub"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bare_port = port + 1
    bare_server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bare_app"],
        cwd=REPO,
        env={**os.environ, "BENCH_PORT": str(bare_port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        idle_rss = rss_mb(server.pid)
        baseline = in_process(local_data, 40)
        results = asyncio.run(scenarios(base, bare, args.seconds, args.concurrency, args.rounds))
        loaded_rss = rss_mb(server.pid)
    finally:
        for process in (server, bare_server):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"## Serving (loopback, {os.cpu_count()} cores, {args.concurrency} clients, "
        f"{args.seconds:.0f} s per scenario)\n"
    )
    print("| scenario | requests | req/s | p50 ms | p95 ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, (count, timings, errors) in results.items():
        rate = count / args.seconds
        print(
            f"| {name} | {count} | {rate:.1f} | {pct(timings, 0.5):.1f} | "
            f"{pct(timings, 0.95):.1f} | {errors} |"
        )
    p50_graph = statistics.median(baseline) * 1000
    _, single, _ = results["full answer, stub LLM, 1 client"]
    print(
        f"| graph in-process (stub LLM, 1 caller) | {len(baseline)} | "
        f"{len(baseline) / sum(baseline):.1f} | {p50_graph:.1f} | {pct(baseline, 0.95):.1f} | 0 |"
    )
    overhead = pct(single, 0.5) - p50_graph
    print(
        f"\nservice overhead over the in-process graph, p50, 1 client: {overhead:.1f} ms "
        f"(ratio {pct(single, 0.5) / p50_graph:.2f}x)"
    )
    cached_rate = results["cached answer"][0]
    floor_rate = results["bare FastAPI route (the floor)"][0]
    print(
        f"cached answers at {cached_rate / floor_rate:.0%} of the bare route's throughput "
        f"(medians of {args.rounds} alternating rounds; load average {os.getloadavg()[0]:.1f})"
    )
    print(f"server RSS: {idle_rss:.0f} MB idle, {loaded_rss:.0f} MB after the load")


if __name__ == "__main__":
    main()
