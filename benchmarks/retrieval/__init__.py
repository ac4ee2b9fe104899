"""Retrieval benchmark on BEIR SciFact: ingest speed, quality per leg and fused, latency.

    python -m benchmarks.retrieval [--scifact DIR] [--out FILE.json]

1. Every SciFact abstract becomes ``<_id>.md`` (front-matter ``title:``, abstract as body) and is
   ingested into a fresh data folder; the same model's raw ``embed_documents`` throughput on the
   same chunk texts is measured next to it (the physical limit of ingestion).
2. The unchanged folder is ingested again: nothing may be embedded.
3. Quality on the test queries (those with qrels), document level (a document scores as its best
   chunk): BM25, dense, RRF and weighted fusion, plus the sweeps that decide the defaults.
4. Warm latency of each stage, p50/p95, including rerank with a plumbing (untrained) model.

It prints numbers and exits 0: it is a measurement, not a test.

Modules: ``cli`` (arguments, the run, the goals), ``phases`` (one module per step above),
``scifact`` (BEIR files in, Markdown corpus out), ``ranking`` (metrics and the paired test, pure
functions over rankings and qrels), ``fusion_variants`` (diagnostic fusions), ``report`` (the
Markdown), ``machine`` (machine facts, memory, CPU time, load), ``timing``, ``output``.
"""
