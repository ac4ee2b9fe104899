"""Timing one call in milliseconds and summarising the times (p50/p95/max/mean)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np


def pct(values: list[float], q: float) -> float:
    """Percentile with linear interpolation (numpy's default)."""
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def timed(fn: Callable[[], object], times: list[float]) -> object:
    started = time.perf_counter()
    out = fn()
    times.append((time.perf_counter() - started) * 1000)
    return out


def stats(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(times, 50), 2),
        "p95_ms": round(pct(times, 95), 2),
        "max_ms": round(max(times), 2),
        "mean_ms": round(statistics.fmean(times), 2),
        "n": len(times),
    }
