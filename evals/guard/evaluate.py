"""Evaluate the committed guard on the held-out sets: ``python -m evals.guard.evaluate``.

Prints detection rate and false-positive rate per set (held-out deepset, held-out jailbreak,
held-out product questions, held-out trigger-word questions, hand-written attacks) for the rules
alone, the classifier alone and the local guard (rules + classifier; Prompt Guard is never called
here), then the guard on its own held-out sets (``evals.guard.own_sets``: attacks per family and
language, benign questions, and the ingest-time indirect-injection flag on passages), then the
latency of ``InputGuard.check`` over all held-out texts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.guard.metrics import SetResult, format_table, score_sets
from evals.guard.own_sets import PASSAGE_SET, QUESTION_SETS, breakdown, format_breakdown, load_rows
from safety.classifier import MODEL_PATH, ClassifierLayer, GuardClassifier
from safety.guard import InputGuard
from safety.indirect import flag_passage
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


def own_results(guard: InputGuard) -> dict[str, Any]:
    """The guard on the own question sets, and the ingest flag on the own passages."""
    questions = [row for name in QUESTION_SETS for row in load_rows(name)]
    return {
        "questions": breakdown(questions, lambda t: guard.check(t).blocked),
        "passages": breakdown(load_rows(PASSAGE_SET), lambda t: flag_passage(t) is not None),
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
    parser.add_argument(
        "--show-misses", action="store_true", help="list the own sets' wrongly judged texts"
    )
    args = parser.parse_args(argv)

    start = time.perf_counter()
    classifier = GuardClassifier.load(args.model)
    load_s = time.perf_counter() - start
    held_out = load_splits(args.data_dir).held_out
    results = held_out_results(classifier, held_out)
    guard = InputGuard(layers=[RulesLayer(), ClassifierLayer(model=classifier)])
    own = own_results(guard)
    texts = [e.text for examples in held_out.values() for e in examples]
    texts += [row["text"] for name in QUESTION_SETS for row in load_rows(name)]
    timing = None if args.no_latency else latency_ms(guard, texts)
    if not args.show_misses:
        for part in own.values():
            part.pop("misses")
    if args.json:
        out = {
            "threshold": classifier.threshold,
            "held_out": {
                system: {name: r.to_dict() for name, r in per_set.items()}
                for system, per_set in results.items()
            },
            "own_sets": own,
            "latency_ms": timing,
            "model_load_s": round(load_s, 3),
        }
        print(json.dumps(out, indent=2))
        return
    print(f"model {args.model.name}, threshold {classifier.threshold} (loaded in {load_s:.2f} s)")
    print(format_table(results))
    print()
    print(format_breakdown("Own held-out questions, blocked by the guard:", own["questions"]))
    print()
    print(format_breakdown("Own held-out passages, flagged at ingest:", own["passages"]))
    for name, part in own.items():
        for text in part.get("misses", []):
            print(f"miss ({name}): {text!r}")
    if timing:
        print("\nInputGuard.check latency (rules + classifier, no Groq), held-out texts:")
        for label, t in (("all", timing["all"]), (f"< {SHORT_CHARS} chars", timing["short"])):
            print(
                f"  {label}: n={t['n']:.0f} p50 {t['p50']} ms, p95 {t['p95']} ms, max {t['max']} ms"
            )


if __name__ == "__main__":
    main()
