"""Benchmarks: runnable measurements, not tests (``python -m benchmarks.<name>``)."""
