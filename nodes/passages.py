"""The passages the model reads: the best ones that fit a token budget, each trimmed to its lines
that bear on the question.

Reading the prompt is most of the time to the first token on a local model (about 85 prompt
tokens/s for the 1.5B model on 2 cores), so every passage line the answer does not need is paid
for in waiting. Tokens are estimated from characters (about 4 per token for English text), which
is close enough for a budget and needs no tokenizer.
"""

from __future__ import annotations

from typing import Any

from knowledge.snapshot import tokenize

CHARS_PER_TOKEN = 3
GAP = "…"


def approx_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def trim(text: str, question: str, max_tokens: int) -> str:
    """``text`` if it fits; else its first line (often the label: a role, a table header) and the
    lines sharing the most words with the question, in their original order, gaps marked."""
    if approx_tokens(text) <= max_tokens:
        return text
    lines = _lines(text)
    wanted = set(tokenize([question])[0])
    overlap = [len(wanted.intersection(tokenize([line])[0])) for line in lines]
    keep = {0}
    budget = max_tokens - approx_tokens(lines[0])
    for i in sorted(range(1, len(lines)), key=lambda i: (-overlap[i], i)):
        cost = approx_tokens(lines[i])
        if overlap[i] == 0 or cost > budget:
            continue
        keep.add(i)
        budget -= cost
    out: list[str] = []
    for i in sorted(keep):
        if out and i - 1 not in keep:
            out.append(GAP)
        out.append(lines[i])
    if max(keep) < len(lines) - 1:
        out.append(GAP)
    return "\n".join(out)


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
