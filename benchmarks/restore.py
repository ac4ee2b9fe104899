"""Recovery time (RTO) of a restore: `rag restore` of a backup into an empty data folder, then the
service started on it until it answers a search (`POST /retrieve` returns the expected passages).
For the sample corpus and a synthetic corpus of small documents; with the embedded defaults
(SQLite, embedded Chroma, as `make run`), or with `--servers` against Redis, PostgreSQL and a
Chroma server (the test harness's, on 127.0.0.1), which are wiped before the restore. Times are
cumulative from the start of the restore. The predecessor published an RTO of 48 s.

    python -m benchmarks.restore [--docs 5000] [--servers]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import chromadb
import httpx
import psycopg
import redis

from benchmarks.serving import KEY
from core.settings import Settings
from knowledge.ingest import ingest
from ops.backup import create_backup
from server.db import open_database
from server.migrations import migrate

REPO = Path(__file__).resolve().parent.parent
PORT = 8791
TOPICS = ("kubernetes", "postgres", "biology", "finance", "gardening", "astronomy", "chess")


def synthetic_corpus(folder: Path, n: int) -> Path:
    """``n`` small Markdown documents, each with a unique fact (a code and a year)."""
    folder.mkdir(parents=True)
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        (folder / f"note-{i:05d}.md").write_text(
            f"# Note {i} on {topic}\n\nThis note about {topic} records item code ZX{i:05d}, "
            f"filed in {1990 + i % 30}. It mentions {TOPICS[(i * 3) % len(TOPICS)]} once and "
            f"keeps a short paragraph so the chunk looks like a real personal note.\n",
            encoding="utf-8",
        )
    return folder


def _wait_ready(base: str, deadline_s: float = 300) -> None:
    end = time.time() + deadline_s
    while time.time() < end:
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError("the service did not become ready")


@contextmanager
def servers(work: Path) -> Iterator[dict[str, str]]:
    """Redis, PostgreSQL and a Chroma server on 127.0.0.1; yields their settings."""
    from tests.pg import PostgresServer
    from tests.servers import ChromaServer, RedisServer

    redis_server = RedisServer(work / "redis").start()
    postgres = PostgresServer().start()
    chroma = ChromaServer(work / "chroma").start()
    try:
        yield {
            "REDIS_URL": redis_server.url,
            "DATABASE_URL": postgres.create_database(),
            "CHROMA_HOST": "127.0.0.1",
            "CHROMA_PORT": str(chroma.port),
        }
    finally:
        redis_server.kill()
        postgres.remove()
        chroma.kill()


def wipe(stores: dict[str, str]) -> None:
    """What losing the servers' disks leaves: nothing."""
    if not stores:
        return
    redis.Redis.from_url(stores["REDIS_URL"]).flushall()
    with psycopg.connect(stores["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    client = chromadb.HttpClient(host="127.0.0.1", port=int(stores["CHROMA_PORT"]))
    client.delete_collection("chunks")


def measure(
    name: str, corpus: Path, work: Path, query: str, expect: str, stores: dict[str, str]
) -> dict[str, float]:
    data, restored = work / f"{name}-data", work / f"{name}-restored"
    started = time.perf_counter()
    settings = Settings.from_env({**stores, "RAG_DATA_DIR": str(data)})
    ingest([corpus], settings)
    if settings.database_url:
        migrate(open_database(settings))
    ingest_s = time.perf_counter() - started
    backup = create_backup(settings, work / f"{name}-backups", None)
    size_mb = sum(f.stat().st_size for f in backup.iterdir()) / 1e6
    wipe(stores)
    env = {**os.environ, **stores, "RAG_DATA_DIR": str(restored), "RAG_API_KEYS": KEY}
    env["BENCH_PORT"] = str(PORT)
    started = time.perf_counter()
    rag = Path(sys.executable).parent / "rag"
    subprocess.run([str(rag), "restore", str(backup)], env=env, check=True, capture_output=True)
    restore_s = time.perf_counter() - started
    # The service with the instant stub LLM: an LLM is not needed to answer a search.
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.serve_stub"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        _wait_ready(base)
        ready_s = time.perf_counter() - started
        response = httpx.post(
            f"{base}/retrieve",
            json={"query": query, "k": 3},
            headers={"X-API-Key": KEY},
            timeout=60,
        )
        response.raise_for_status()
        assert expect in response.text, response.text[:500]
        answered_s = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "ingest_s": ingest_s,
        "backup_mb": size_mb,
        "restore_s": restore_s,
        "ready_s": ready_s,
        "rto_s": answered_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=5000, help="synthetic documents")
    parser.add_argument("--servers", action="store_true", help="Redis, PostgreSQL, Chroma server")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rag-restore-"))
    stores: AbstractContextManager[dict[str, str]] = (
        servers(work) if args.servers else nullcontext({})
    )
    try:
        with stores as configured:
            rows = _run(work, args.docs, configured)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    where = "Redis, PostgreSQL, Chroma server" if args.servers else "embedded stores"
    print(f"## Restore RTO ({os.cpu_count()} cores; {where}; predecessor: RTO 48 s)\n")
    print("| corpus | ingest s | backup MB | restore s | restore→ready s | RTO s (answers) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['ingest_s']:.1f} | {r['backup_mb']:.1f} | {r['restore_s']:.1f} "
            f"| {r['ready_s']:.1f} | {r['rto_s']:.1f} |"
        )


def _run(work: Path, docs: int, stores: dict[str, str]) -> dict[str, dict[str, float]]:
    sample = REPO / "samples" / "corpus"
    synthetic = synthetic_corpus(work / "synthetic", docs)
    return {
        "sample corpus": measure("sample", sample, work, "Kubernetes certification", "CKA", stores),
        f"synthetic {docs} docs": measure(
            "synthetic", synthetic, work, "item code ZX00042", "ZX00042", stores
        ),
    }


if __name__ == "__main__":
    main()
