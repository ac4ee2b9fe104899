"""The eval set: one JSON object per line (see ``datasets/sample_eval.jsonl``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Outcome = Literal["answered", "no_answer", "blocked"]

DATASET = Path(__file__).parent / "datasets" / "sample_eval.jsonl"
CORPUS = Path(__file__).resolve().parent.parent / "samples" / "corpus"


class DatasetError(ValueError):
    """A line of the eval set is not a valid case."""


@dataclass(frozen=True)
class ReferenceContext:
    source: str  # path relative to the corpus folder
    contains: str  # a verbatim excerpt of the passage that holds the answer


@dataclass(frozen=True)
class EvalCase:
    id: str
    category: str
    question: str
    history: tuple[str, ...]  # earlier user turns of the same session (multi_turn)
    reference_answer: str
    reference_contexts: tuple[ReferenceContext, ...]
    expected_facts: tuple[str, ...]
    must_not_contain: tuple[str, ...]
    expected_outcome: Outcome


def parse_case(row: dict[str, Any]) -> EvalCase:
    outcome = row.get("expected_outcome")
    if outcome not in ("answered", "no_answer", "blocked"):
        raise DatasetError(f"{row.get('id')}: expected_outcome {outcome!r}")
    return EvalCase(
        id=str(row["id"]),
        category=str(row["category"]),
        question=str(row["question"]),
        history=tuple(row.get("history") or ()),
        reference_answer=str(row.get("reference_answer") or ""),
        reference_contexts=tuple(
            ReferenceContext(str(r["source"]), str(r["contains"]))
            for r in row.get("reference_contexts") or ()
        ),
        expected_facts=tuple(row.get("expected_facts") or ()),
        must_not_contain=tuple(row.get("must_not_contain") or ()),
        expected_outcome=outcome,
    )


def load_cases(
    path: Path = DATASET, limit: int | None = None, categories: Sequence[str] = ()
) -> list[EvalCase]:
    """Cases in file order, filtered by category, then cut to ``limit``."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(parse_case(json.loads(line)))
        except (KeyError, json.JSONDecodeError) as exc:
            raise DatasetError(f"{path}:{number}: {exc}") from exc
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise DatasetError(f"{path}: duplicate case ids")
    if categories:
        known = {c.category for c in cases}
        unknown = sorted(set(categories) - known)
        if unknown:
            raise DatasetError(f"unknown categories {unknown}; known: {sorted(known)}")
        cases = [c for c in cases if c.category in categories]
    return cases[:limit] if limit is not None else cases
