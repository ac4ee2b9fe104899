"""Reference contexts ("source + excerpt") resolved to the chunks that hold them.

The eval set names passages by file and a verbatim excerpt so it survives re-chunking; the metrics
need chunk ids (ranking metrics) and chunk texts (Ragas' string-based context metrics). Each
reference becomes a *group* of chunk ids — normally one chunk, more if the excerpt is repeated — and
references that land in the same chunk(s) collapse into one group, so a table row cited three times
is one passage to find, not three.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evals.dataset import EvalCase, ReferenceContext
from knowledge.snapshot import StoredChunk


class UnresolvedReferenceError(ValueError):
    """An excerpt is in no chunk of its source: the eval set and the corpus disagree."""


@dataclass(frozen=True)
class ResolvedReferences:
    groups: tuple[frozenset[str], ...]  # one group of chunk ids per distinct passage
    texts: tuple[str, ...]  # the text of one chunk per group, for string-based metrics
    sources: frozenset[str]  # corpus-relative paths of the files the answer should cite
    # One group per excerpt as written (not collapsed): content recall counts excerpts, so its
    # denominator does not depend on how the corpus was chunked.
    excerpts: tuple[frozenset[str], ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset().union(*self.groups)


def squash(text: str) -> str:
    """Whitespace-insensitive form: PDF and table extraction may break lines differently."""
    return " ".join(text.split())


def same_file(source: str, relative: str) -> bool:
    """Chunks carry absolute paths; the eval set names files relative to the corpus folder."""
    path = Path(source).as_posix()
    return path == relative or path.endswith("/" + relative)


def _matches(chunk: StoredChunk, ref: ReferenceContext) -> bool:
    """Against what is indexed and shown (identity, heading path and body): an excerpt may quote a
    heading ("2019-11-12 - Northern Digital Health Forum") as well as body text."""
    return same_file(chunk.source, ref.source) and squash(ref.contains) in squash(
        chunk.indexed_text()
    )


def resolve(case: EvalCase, chunks: Sequence[StoredChunk]) -> ResolvedReferences:
    groups: list[frozenset[str]] = []
    texts: list[str] = []
    excerpts: list[frozenset[str]] = []
    for ref in case.reference_contexts:
        hits = [c for c in chunks if _matches(c, ref)]
        if not hits:
            raise UnresolvedReferenceError(
                f"{case.id}: no chunk of {ref.source} contains {ref.contains!r}"
            )
        group = frozenset(c.chunk_id for c in hits)
        excerpts.append(group)
        if group not in groups:
            groups.append(group)
            texts.append(hits[0].text)
    sources = frozenset(r.source for r in case.reference_contexts)
    return ResolvedReferences(tuple(groups), tuple(texts), sources, tuple(excerpts))


def resolve_all(
    cases: Sequence[EvalCase], chunks: Sequence[StoredChunk]
) -> dict[str, ResolvedReferences]:
    """Every case's references; all unresolved ones are reported together."""
    resolved: dict[str, ResolvedReferences] = {}
    problems: list[str] = []
    for case in cases:
        try:
            resolved[case.id] = resolve(case, chunks)
        except UnresolvedReferenceError as exc:
            problems.append(str(exc))
    if problems:
        raise UnresolvedReferenceError("\n".join(problems))
    return resolved
