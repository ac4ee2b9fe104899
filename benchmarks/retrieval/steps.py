"""Retrieval steps measured on every set at once: the two eval sets and SciFact.

    python -m benchmarks.retrieval.steps [--scifact-work DIR] [--out FILE.json]

Per set it prints recall@5, MRR and nDCG@10 for BM25, dense, each fusion, with and without each
step this product adds, so no step is chosen on one set alone:

- **identity**: the document's title in what is indexed (``knowledge.documents.identity_path``);
  "without" indexes the heading path as the file itself has it;
- **expansion**: abbreviations the corpus defines added to the query (``knowledge.abbreviations``),
  for the keyword leg only or for both legs; "personal expansion" is what the product runs: the
  abbreviations and the lexicon's words (``knowledge.lexicon``), first-person questions only;
- **fusion**: weighted min-max at several dense weights, and RRF;
- **windows**: the dense leg scoring a chunk with its best window of a few lines too
  (``knowledge.windows``, what the product does); plain "dense" rows score each chunk's own vector.

Eval sets (``evals.dataset.DATASETS``): the corpus is ingested by the product into a temporary
folder; legs are computed in memory over the snapshot's chunks (bm25s with the product's
tokeniser, exact cosine over the product's embeddings), once over each variant of the indexed
text. Metrics are the eval's own (``evals.retrieval_metrics``): content recall@5 counts reference
excerpts, MRR and nDCG@10 count distinct reference passages; multi-turn questions are searched with
their earlier turns, as ``rag eval --retrieval-only`` does. SciFact (document level, test qrels)
reuses an index built by ``python -m benchmarks.retrieval --work DIR``; identity changes nothing
there (its only heading is the title).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from benchmarks.retrieval.cli import DEFAULT_SCIFACT
from benchmarks.retrieval.output import log
from benchmarks.retrieval.ranking import dedupe_docs, ndcg_at
from benchmarks.retrieval.scifact import load_scifact
from core.settings import Settings
from evals.dataset import DATASETS, load_cases
from evals.references import resolve_all
from evals.retrieval_metrics import content_recall_at_k, ndcg_at_k, reciprocal_rank
from knowledge import snapshot
from knowledge.abbreviations import Abbreviations
from knowledge.embeddings import load_embeddings
from knowledge.fusion import rrf, weighted
from knowledge.ingest import ingest
from knowledge.layout import DataLayout
from knowledge.retriever import HybridRetriever, keyword_leg, leg_queries
from knowledge.windows import chunk_of, chunk_scores, indexed_windows

Ranked = list[tuple[str, float]]
Leg = Callable[[str], Ranked]
DEPTH = 100
DENSE_WEIGHTS = (0.3, 0.5, 0.7)


@dataclass
class Query:
    id: str
    text: str


class MemoryLegs:
    """BM25 and exact dense search over given indexed texts (one variant of the index), and
    over the chunks' windows as the product stores them (``knowledge.windows``)."""

    def __init__(
        self,
        ids: list[str],
        texts: list[str],
        settings: Settings,
        windows: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.ids = ids
        self.bm25 = bm25s.BM25()
        self.bm25.index(snapshot.tokenize(texts), show_progress=False)
        self.embeddings = load_embeddings(settings.embeddings, settings.embed_batch_size)
        self.window_weight = settings.window_weight
        self.vector_ids = ids + [vector_id for vector_id, _ in windows]
        self.vectors = np.asarray(
            self.embeddings.embed_documents(texts + [text for _, text in windows]),
            dtype=np.float32,
        )
        self.windowed = {chunk_of(v) for v, _ in windows}

    def keyword(self, query: str) -> Ranked:
        tokens = snapshot.tokenize([query])
        if not tokens[0]:
            return []
        k = min(DEPTH, len(self.ids))
        docs, scores = self.bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [
            (self.ids[int(i)], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]

    def dense(self, query: str, window_weight: float = 0.0) -> Ranked:
        sims = self.vectors @ np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        hits = [(v, float(s)) for v, s in zip(self.vector_ids, sims, strict=True)]
        return chunk_scores(hits, self.windowed, window_weight)[:DEPTH]

    def dense_windowed(self, query: str) -> Ranked:
        return self.dense(query, self.window_weight)


def runs(
    keyword: Leg,
    dense: Leg,
    abbreviations: Abbreviations,
    lexicon_weight: float,
    windowed: Leg | None = None,
) -> dict[str, Leg]:
    """Every ranking this benchmark compares, by name (``windowed``: the dense leg scoring
    chunks with their windows, as the product does; ``dense`` scores each chunk's own vector)."""

    def fused(kw: Leg, dn: Leg, fuse: Callable[[Ranked, Ranked], Any]) -> Leg:
        return lambda q: [(f.chunk_id, f.score) for f in fuse(kw(q), dn(q))]

    expand = abbreviations.expand
    kw_x: Leg = lambda q: keyword(expand(q))  # noqa: E731 - a named variant of a leg
    dn_x: Leg = lambda q: dense(expand(q))  # noqa: E731
    # As the product runs it (RAG_QUERY_EXPANSION=personal): first-person questions only, with
    # the lexicon's words searched apart and weighted down, on the keyword leg.
    kw_p: Leg = lambda q: list(  # noqa: E731
        keyword_leg(
            lambda text, _k: keyword(text),
            leg_queries(q, "personal", abbreviations),
            lexicon_weight,
            DEPTH,
        )
    )
    table: dict[str, Leg] = {
        "bm25": keyword,
        "bm25 + expansion": kw_x,
        "dense": dense,
        "dense + expansion": dn_x,
        "rrf k=60": fused(keyword, dense, lambda b, d: rrf(b, d, 60)),
    }
    for w in DENSE_WEIGHTS:
        table[f"weighted {w}"] = fused(keyword, dense, lambda b, d, w=w: weighted(b, d, w))
        table[f"weighted {w} + expansion (keyword)"] = fused(
            kw_x, dense, lambda b, d, w=w: weighted(b, d, w)
        )
        table[f"weighted {w} + expansion (both)"] = fused(
            kw_x, dn_x, lambda b, d, w=w: weighted(b, d, w)
        )
        table[f"weighted {w} + personal expansion (keyword)"] = fused(
            kw_p, dense, lambda b, d, w=w: weighted(b, d, w)
        )
        if windowed is not None:
            table[f"weighted {w} + personal expansion (keyword) + windows"] = fused(
                kw_p, windowed, lambda b, d, w=w: weighted(b, d, w)
            )
    table["rrf k=60 + expansion (both)"] = fused(kw_x, dn_x, lambda b, d: rrf(b, d, 60))
    table["bm25 + personal expansion"] = kw_p
    if windowed is not None:
        table["dense + windows"] = windowed
        table["weighted 0.5 + windows"] = fused(keyword, windowed, lambda b, d: weighted(b, d))
    return table


def score_eval_set(rankings: dict[str, list[str]], refs: dict[str, Any]) -> dict[str, float]:
    ids = list(rankings)
    return {
        "recall@5": statistics.fmean(
            content_recall_at_k(rankings[q], refs[q].excerpts, 5) for q in ids
        ),
        "mrr": statistics.fmean(reciprocal_rank(rankings[q], refs[q].groups) for q in ids),
        "ndcg@10": statistics.fmean(ndcg_at_k(rankings[q], refs[q].groups, 10) for q in ids),
    }


def eval_set(name: str, settings: Settings) -> dict[str, dict[str, float]]:
    dataset = DATASETS[name]
    cases = [c for c in load_cases(dataset.cases) if c.reference_contexts]
    with tempfile.TemporaryDirectory(prefix="bench-steps-") as tmp:
        data = Settings.from_env(data_dir=Path(tmp), chroma_host=None)
        ingest([dataset.corpus], data)
        corpus = snapshot.load(DataLayout(data.data_dir).index_dir)
        refs = resolve_all(cases, corpus.chunks)
        retriever = HybridRetriever(data)
        queries = [Query(c.id, " ".join((*c.history, c.question))) for c in cases]
        results: dict[str, dict[str, float]] = {}
        ids = [c.chunk_id for c in corpus.chunks]
        variants = {
            "identity": [c.indexed_text() for c in corpus.chunks],
            "no identity": [_without_title(c) for c in corpus.chunks],
        }
        windows = [w for c in corpus.chunks for w in indexed_windows(c.chunk_id, c.heading, c.text)]
        for variant, texts in variants.items():
            # windows carry the identity, so they are measured with it only
            legs = MemoryLegs(ids, texts, settings, windows if variant == "identity" else ())
            windowed = legs.dense_windowed if variant == "identity" else None
            for run, leg in runs(
                legs.keyword, legs.dense, corpus.abbreviations, settings.lexicon_weight, windowed
            ).items():
                rankings = {q.id: [cid for cid, _ in leg(q.text)][:20] for q in queries}
                results[f"{run} · {variant}"] = score_eval_set(rankings, refs)
        shipped = {q.id: [r.chunk_id for r in retriever.retrieve(q.text, 20)] for q in queries}
        results["retrieve() as shipped"] = score_eval_set(shipped, refs)
    return results


def _without_title(chunk: snapshot.StoredChunk) -> str:
    """The indexed text before titles were added: the heading path as the file has it."""
    title = str(chunk.metadata.get("title") or "")
    heading = chunk.heading.removeprefix(f"{title} > ") if title else chunk.heading
    heading = "" if heading == title else heading
    return f"{heading}\n{chunk.text}" if heading else chunk.text


def scifact_set(work: Path, scifact: Path) -> dict[str, dict[str, float]]:
    _, queries, qrels = load_scifact(scifact)
    settings = Settings.from_env(data_dir=work / "data", chroma_host=None)
    retriever = HybridRetriever(settings)
    corpus = retriever.corpus
    doc_of = {c.chunk_id: Path(c.source).stem for c in corpus.chunks}.__getitem__
    log(f"  SciFact: {len(corpus.chunks)} chunks, {len(corpus.abbreviations.pairs)} abbreviations")
    results: dict[str, dict[str, float]] = {}
    own = HybridRetriever(replace(settings, window_weight=0.0), retriever.embeddings)
    keyword: Leg = lambda q: retriever.keyword(q, DEPTH)  # noqa: E731
    dense: Leg = lambda q: own.dense(q, DEPTH)  # noqa: E731
    windowed: Leg = lambda q: retriever.dense(q, DEPTH)  # noqa: E731
    for run, leg in runs(
        keyword, dense, corpus.abbreviations, settings.lexicon_weight, windowed
    ).items():
        docs = {q: dedupe_docs(leg(queries[q]), doc_of) for q in qrels}
        results[run] = _document_scores(docs, qrels)
    return results


def _document_scores(
    docs: dict[str, list[str]], qrels: dict[str, dict[str, int]]
) -> dict[str, float]:
    def first_hit(ranking: list[str], rels: dict[str, int]) -> float:
        return next((1 / (i + 1) for i, d in enumerate(ranking) if rels.get(d, 0) > 0), 0.0)

    def recall5(ranking: list[str], rels: dict[str, int]) -> float:
        return len(set(ranking[:5]) & set(rels)) / len(rels)

    return {
        "recall@5": statistics.fmean(recall5(docs[q], qrels[q]) for q in qrels),
        "mrr": statistics.fmean(first_hit(docs[q], qrels[q]) for q in qrels),
        "ndcg@10": statistics.fmean(ndcg_at(docs[q], qrels[q]) for q in qrels),
    }


def markdown(results: dict[str, dict[str, dict[str, float]]]) -> str:
    sets = list(results)
    names = list(dict.fromkeys(n for table in results.values() for n in table))
    head = "| run | " + " | ".join(f"{s} R@5 / MRR / nDCG@10" for s in sets) + " |"
    lines = [head, "|---|" + "---|" * len(sets)]
    for name in names:
        cells = []
        for s in sets:
            m = results[s].get(name) or results[s].get(name.split(" · ")[0])
            cells.append(f"{m['recall@5']:.3f} / {m['mrr']:.3f} / {m['ndcg@10']:.3f}" if m else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scifact-work", type=Path, help="--work folder of benchmarks.retrieval")
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name in DATASETS:
        log(f"== {name} ==")
        results[name] = eval_set(name, settings)
    if args.scifact_work:
        log("== scifact ==")
        results["scifact"] = scifact_set(args.scifact_work, args.scifact)
    log(markdown(results))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
