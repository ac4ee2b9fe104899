"""SciFact as BEIR ships it (``corpus.jsonl``, ``queries.jsonl``, ``qrels/test.tsv``) in, the
Markdown corpus the product ingests out. Any folder in the BEIR layout loads the same way."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.retrieval.ranking import Qrels

Corpus = dict[str, dict[str, str]]  # _id -> {"title": ..., "text": ...}


def read_corpus(path: Path) -> Corpus:
    corpus: Corpus = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                corpus[str(row["_id"])] = {"title": row.get("title", ""), "text": row["text"]}
    return corpus


def read_queries(path: Path) -> dict[str, str]:
    queries: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                queries[str(row["_id"])] = row["text"]
    return queries


def read_qrels(path: Path) -> Qrels:
    """``query-id<TAB>corpus-id<TAB>score`` (header optional); only positive scores are kept."""
    qrels: Qrels = {}
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            parts = line.rstrip("\n").split("\t")
            if i == 0 and parts[0] == "query-id":
                continue
            if len(parts) >= 3 and int(parts[2]) > 0:
                qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return qrels


def load_scifact(folder: Path) -> tuple[Corpus, dict[str, str], Qrels]:
    corpus = read_corpus(folder / "corpus.jsonl")
    queries = read_queries(folder / "queries.jsonl")
    qrels = read_qrels(folder / "qrels" / "test.tsv")
    return corpus, queries, qrels


def limit_corpus(corpus: Corpus, qrels: Qrels, others: int) -> Corpus:
    """Smoke run: every document the qrels name plus the first ``others`` other ones."""
    wanted = {d for r in qrels.values() for d in r}
    keep = wanted | set([d for d in corpus if d not in wanted][:others])
    return {d: corpus[d] for d in corpus if d in keep}


def write_markdown(corpus: Corpus, folder: Path) -> None:
    """``<_id>.md``: YAML front-matter with the title (JSON-quoted: valid YAML, any characters)."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, doc in corpus.items():
        body = doc["text"].strip() or doc["title"]
        front = f"---\ntitle: {json.dumps(doc['title'], ensure_ascii=False)}\n---\n\n"
        (folder / f"{doc_id}.md").write_text(front + body + "\n", encoding="utf-8")
