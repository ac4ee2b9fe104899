"""The passages the model reads: the best ones that fit a token budget, each trimmed to its lines
that bear on the question.

Reading the prompt is most of the time to the first token on a local model (about 85 prompt
tokens/s for the 1.5B model on 2 cores), so every passage line the answer does not need is paid
for in waiting. Tokens are estimated from characters (about 4 per token for English text), which
is close enough for a budget and needs no tokenizer.
"""

from __future__ import annotations

import re
from typing import Any

from knowledge.snapshot import tokenize

CHARS_PER_TOKEN = 3
GAP = "…"


def approx_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


def _units(text: str) -> tuple[list[str], str]:
    """What a passage is trimmed by: its blocks (blank-line separated: records, paragraphs) when
    it has several, so a record's fields stay together; else its lines."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) > 1:
        return blocks, "\n\n"
    return [line for line in text.splitlines() if line.strip()], "\n"


def trim(text: str, question: str, max_tokens: int) -> str:
    """``text`` if it fits; else the blocks (or lines) sharing the most words with the question,
    in their original order, gaps marked. A passage cut by lines keeps its first line, which is
    usually its label (a role, a table header)."""
    if approx_tokens(text) <= max_tokens:
        return text
    units, joiner = _units(text)
    wanted = set(tokenize([question])[0])
    overlap = [len(wanted.intersection(tokenize([unit])[0])) for unit in units]
    keep: set[int] = {0} if joiner == "\n" else set()
    budget = max_tokens - sum(approx_tokens(units[i]) for i in keep)
    for i in sorted(range(len(units)), key=lambda i: (-overlap[i], i)):
        cost = approx_tokens(units[i])
        if i in keep or overlap[i] == 0:
            continue
        if cost <= budget:
            keep.add(i)
            budget -= cost
        elif not keep and joiner != "\n":  # the best block alone is too long: cut it by lines
            return trim(units[i], question, max_tokens)
    if not keep:  # nothing shares a word with the question: the first block, cut by lines
        return trim(units[0], question, max_tokens) if joiner != "\n" else units[0]
    out: list[str] = []
    for i in sorted(keep):
        if out and i - 1 not in keep:
            out.append(GAP)
        out.append(units[i])
    if max(keep) < len(units) - 1:
        out.append(GAP)
    return joiner.join(out)


def fit(
    documents: list[dict[str, Any]], question: str, budget: int, per_passage: int
) -> list[dict[str, Any]]:
    """Best-first passages, each trimmed to ``per_passage`` tokens, until ``budget`` is spent;
    the best passage is always kept."""
    chosen: list[dict[str, Any]] = []
    spent = 0
    for doc in documents:
        text = trim(str(doc["text"]), question, per_passage)
        cost = approx_tokens(f"{doc['heading']}\n{text}")
        if chosen and spent + cost > budget:
            break
        chosen.append({**doc, "text": text})
        spent += cost
    return chosen
