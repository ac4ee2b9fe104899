"""Evaluate the committed guard on the held-out sets: ``python -m evals.guard.evaluate``.

Prints detection rate and false-positive rate per set (held-out deepset, held-out jailbreak,
held-out product questions, held-out trigger-word questions, hand-written attacks) for the rules
alone, the classifier alone and the local guard (rules + classifier; Prompt Guard is never called
here), then the latency of ``InputGuard.check`` over all held-out texts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from evals.guard.metrics import SetResult, format_table, score_sets
from safety.classifier import MODEL_PATH, ClassifierLayer, GuardClassifier
from safety.guard import InputGuard
from safety.rules import RulesLayer
from safety.training.datasets import Example, load_splits

SHORT_CHARS = 500


def held_out_results(
    classifier: GuardClassifier, held_out: Mapping[str, Sequence[Example]]
) -> dict[str, dict[str, SetResult]]:
    """Blocked-or-not per set for the rules, the classifier, and both as ``InputGuard``."""
    rules = RulesLayer()
    layer = ClassifierLayer(model=classifier)
    guard = InputGuard(layers=[rules, layer])
    return {
        "rules": score_sets(held_out, lambda t: rules.check(t).blocked),
        "classifier": score_sets(held_out, lambda t: layer.check(t).blocked),
        "guard": score_sets(held_out, lambda t: guard.check(t).blocked),
    }


def _percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max": round(ordered[-1], 2),
    }


def latency_ms(
    guard: InputGuard, texts: list[str], repeats: int = 3
) -> dict[str, dict[str, float]]:
    """Per-call wall time of ``guard.check`` (model loaded), best of ``repeats`` per text;
    for all texts and for short ones (< 500 characters, the size of a typical question)."""
    guard.check("warm-up")
    timings: list[tuple[int, float]] = []
    for text in texts:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            guard.check(text)
            best = min(best, time.perf_counter() - start)
        timings.append((len(text), best * 1000))
    return {
        "all": _percentiles([ms for _, ms in timings]),
        "short": _percentiles([ms for n, ms in timings if n < SHORT_CHARS]),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="folder of the dev sets")
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    parser.add_argument("--no-latency", action="store_true", help="skip the timing pass")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    classifier = GuardClassifier.load(args.model)
    load_s = time.perf_counter() - start
    held_out = load_splits(args.data_dir).held_out
    results = held_out_results(classifier, held_out)
    guard = InputGuard(layers=[RulesLayer(), ClassifierLayer(model=classifier)])
    texts = [e.text for examples in held_out.values() for e in examples]
    timing = None if args.no_latency else latency_ms(guard, texts)
    if args.json:
        out = {
            "threshold": classifier.threshold,
            "held_out": {
                system: {name: r.to_dict() for name, r in per_set.items()}
                for system, per_set in results.items()
            },
            "latency_ms": timing,
            "model_load_s": round(load_s, 3),
        }
        print(json.dumps(out, indent=2))
        return
    print(f"model {args.model.name}, threshold {classifier.threshold} (loaded in {load_s:.2f} s)")
    print(format_table(results))
    if timing:
        print("\nInputGuard.check latency (rules + classifier, no Groq), held-out texts:")
        for label, t in (("all", timing["all"]), (f"< {SHORT_CHARS} chars", timing["short"])):
            print(
                f"  {label}: n={t['n']:.0f} p50 {t['p50']} ms, p95 {t['p95']} ms, max {t['max']} ms"
            )


if __name__ == "__main__":
    main()
