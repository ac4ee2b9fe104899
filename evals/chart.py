"""``categories.png``: the headline metrics per question category, one bar group each."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from evals.aggregate import Summary

CHART_METRICS = (
    ("outcome.accuracy", "outcome accuracy"),
    ("retrieval.recall@5", "recall@5"),
    ("retrieval.ndcg@10", "nDCG@10"),
    ("answer.fact_recall", "fact recall"),
    ("citation.accuracy", "citation accuracy"),
)


def write_chart(categories: Mapping[str, Mapping[str, Summary]], path: Path, title: str) -> None:
    names = list(categories)
    shown = [
        (key, label)
        for key, label in CHART_METRICS
        if any(key in table for table in categories.values())
    ]
    width = 0.8 / max(len(shown), 1)
    x = np.arange(len(names))
    # A bare Figure on the Agg canvas: no pyplot global state, no display needed (servers, CI).
    fig = Figure(figsize=(max(8.0, 1.3 * len(names)), 4.5))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for i, (key, label) in enumerate(shown):
        # A category a metric does not apply to gets no bar (not a zero bar).
        values = [categories[c][key].value if key in categories[c] else math.nan for c in names]
        ax.bar(x + (i - (len(shown) - 1) / 2) * width, values, width, label=label)
    ax.set_xticks(x, names, rotation=20, ha="right")
    ax.set_ylim(0, 1.2)  # headroom for the legend above the bars
    ax.set_ylabel("score (mean over cases)")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize="small", ncols=len(shown), loc="upper center")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
