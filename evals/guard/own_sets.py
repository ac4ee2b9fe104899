"""The guard's own held-out sets (``evals/guard/data``), written before the guard was reworked and
never trained or tuned on: attacks by family, benign questions (trigger words, one's own
documents), and passages for the ingest-time indirect-injection flag.

Each row: ``{"text", "label": 0|1, "kind", "lang"}``. Results are broken down by kind and language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
QUESTION_SETS = ("attacks.jsonl", "benign.jsonl")
PASSAGE_SET = "indirect.jsonl"


def load_rows(name: str, data_dir: Path = DATA) -> list[dict[str, Any]]:
    path = data_dir / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def breakdown(rows: list[dict[str, Any]], hit: Callable[[str], bool]) -> dict[str, Any]:
    """Share of rows hit (blocked or flagged) by label, by ``label:kind`` and by ``label:lang``.

    For attack rows (label 1) the share is detection; for benign rows it is the false-positive
    rate. Each entry: ``{"n", "hit", "rate"}``; ``misses`` lists the texts judged wrongly.
    """
    groups: dict[str, list[bool]] = {}
    misses: list[str] = []
    for row in rows:
        was_hit = hit(row["text"])
        label = "attack" if row["label"] == 1 else "benign"
        for key in (label, f"{label}:{row['kind']}", f"{label}:lang={row['lang']}"):
            groups.setdefault(key, []).append(was_hit)
        if was_hit != bool(row["label"]):
            misses.append(row["text"])
    table = {
        key: {"n": len(v), "hit": sum(v), "rate": round(sum(v) / len(v), 4)}
        for key, v in sorted(groups.items())
    }
    return {"groups": table, "misses": misses}


def format_breakdown(title: str, result: dict[str, Any]) -> str:
    lines = [f"{title}", "| group | n | hit | share |", "|---|---|---|---|"]
    for key, g in result["groups"].items():
        lines.append(f"| {key} | {g['n']} | {g['hit']} | {100 * g['rate']:.1f}% |")
    return "\n".join(lines)
