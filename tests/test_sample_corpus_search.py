"""Integration: `rag ingest` the bundled corpus into a fresh data folder, then `rag search` finds
each known answer in the top 5."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE_CORPUS

pytestmark = pytest.mark.integration


def rag(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO,
        env={**os.environ, "RAG_DATA_DIR": str(data_dir)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_known_answers_are_in_the_top_5(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingested = rag("ingest", str(SAMPLE_CORPUS), "--json", data_dir=data)
    assert ingested.returncode == 0, ingested.stderr
    report = json.loads(ingested.stdout)
    assert report["skipped"] == [] and report["files_indexed"] == 8

    cases = [
        json.loads(line)
        for line in (REPO / "tests" / "data" / "known_answers.jsonl").read_text().splitlines()
        if line.strip()
    ]
    queries = "".join(
        json.dumps({"id": i, "query": c["query"]}) + "\n" for i, c in enumerate(cases)
    )
    searched = rag("search", "--batch", "-", "-k", "5", data_dir=data, stdin=queries)
    assert searched.returncode == 0, searched.stderr
    results = {row["id"]: row["results"] for row in map(json.loads, searched.stdout.splitlines())}
    misses = []
    for i, case in enumerate(cases):
        hits = results[i]
        assert len(hits) == 5
        assert {"chunk_id", "source", "heading", "text", "score", "bm25_rank", "dense_rank"} <= set(
            hits[0]
        )
        if not any(
            h["source"].endswith(case["source"]) and case["must_contain"] in h["text"] for h in hits
        ):
            misses.append(case["query"])
    assert misses == []


def test_search_reports_a_malformed_batch_line(tmp_path: Path) -> None:
    out = rag("search", "--batch", "-", data_dir=tmp_path / "data", stdin='{"id": 1}\n')
    assert out.returncode == 2 and "line 1" in out.stderr


def test_search_and_ingest_have_help(tmp_path: Path) -> None:
    for command in ("ingest", "search"):
        out = rag(command, "--help", data_dir=tmp_path)
        assert out.returncode == 0 and "Usage" in out.stdout
