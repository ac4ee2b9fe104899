"""Windows: a chunk's body in pieces of a few lines, embedded beside the chunk itself.

One vector for a 180-word section is the mean of everything in it, so a question about one of
its lines ("my CKA exam score") can rank a shorter, vaguer section above it. Each window carries
the chunk's title and heading path, and the dense leg scores a chunk by its own similarity and
its best window's together (``chunk_scores``). Measured on four eval sets and SciFact in
docs/BENCHMARKS.md ("Windows").

A window's vector id is ``<chunk id>#<n>``: chunk ids hash the content and identity, so a window
changes exactly when its chunk does, and whatever removes a chunk removes its windows.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

WINDOW_WORDS = 40  # 20 and 80 measured too (docs/BENCHMARKS.md)
_SEPARATOR = "#"
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")


def windows(text: str, words: int = WINDOW_WORDS) -> list[str]:
    """The body in consecutive pieces of at most ``words`` words, cut at line ends (a longer
    line at sentence ends); none when the body is a single piece (the chunk is its own window)."""
    pieces: list[str] = []
    lines: list[str] = []
    for line in (raw for raw in text.split("\n") if raw.strip()):
        if len(line.split()) > words:
            pieces += _pack(lines, words, "\n") + _pack(_SENTENCE_END.split(line), words, " ")
            lines = []
        else:
            lines.append(line)
    pieces += _pack(lines, words, "\n")
    return pieces if len(pieces) > 1 else []


def _pack(parts: list[str], words: int, joiner: str) -> list[str]:
    """Consecutive ``parts`` joined into pieces of at most ``words`` words (a longer part alone)."""
    pieces: list[str] = []
    group: list[str] = []
    count = 0
    for part in parts:
        size = len(part.split())
        if group and count + size > words:
            pieces.append(joiner.join(group))
            group, count = [], 0
        group.append(part)
        count += size
    if group:
        pieces.append(joiner.join(group))
    return pieces


def window_id(chunk_id: str, n: int) -> str:
    return f"{chunk_id}{_SEPARATOR}{n}"


def indexed_windows(chunk_id: str, heading: str, text: str) -> list[tuple[str, str]]:
    """``(vector id, text to embed)`` of each window of a chunk: the chunk's title and heading
    path (as ``indexed_text`` has them), then the window's lines."""
    head = f"{heading}\n" if heading else ""
    return [(window_id(chunk_id, n), head + piece) for n, piece in enumerate(windows(text))]


def chunk_of(vector_id: str) -> str:
    """The chunk a vector belongs to (a chunk's own vector id is its chunk id)."""
    return vector_id.split(_SEPARATOR, 1)[0]


def chunk_scores(
    hits: Sequence[tuple[str, float]], windowed: Container[str], weight: float
) -> list[tuple[str, float]]:
    """Dense hits over chunks and windows -> one score per chunk, best first:
    ``(1 - weight) * own similarity + weight * best window's``. A chunk without windows is its
    own window; a part that is not among ``hits`` (the search stopped above it) counts as the
    lowest similarity among them."""
    if not hits:
        return []
    floor = min(score for _, score in hits)
    own: dict[str, float] = {}
    best: dict[str, float] = {}
    for vector_id, score in hits:
        chunk = chunk_of(vector_id)
        if vector_id == chunk:
            own[chunk] = score
        else:
            best[chunk] = max(score, best.get(chunk, score))
    scores = []
    for chunk in dict.fromkeys(chunk_of(v) for v, _ in hits):
        itself = own.get(chunk, floor)
        window = best.get(chunk, floor) if chunk in windowed else itself
        scores.append((chunk, (1 - weight) * itself + weight * window))
    return sorted(scores, key=lambda item: item[1], reverse=True)
