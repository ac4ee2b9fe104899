"""The benchmark's steps, one module each: ingest and re-ingest, raw embedding, quality, latency
(with the rerank model's own cost). Each logs its lines and returns the numbers it measured."""
