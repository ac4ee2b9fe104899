"""Train the guard classifier reproducibly: ``python -m safety.training.train [--data-dir DIR]``.

1. Split every development set with a fixed seed (``safety.training.datasets``): 70/30
   stratified for the public sets, 50/50 for the hand-written benign questions (product and
   trigger-word sets); ``attacks_hand.jsonl`` is never trained on; the hard negatives and
   ``attacks_train.jsonl`` are trained on in full.
2. For each regularisation strength in ``C_GRID``: 5-fold out-of-fold scores of the *training*
   part (each fold's model trained on that fold's rows plus their augmentation,
   ``safety.training.augment``; texts scored as the layer scores them, the highest sentence
   counts), and the lowest threshold whose false-positive rate is at most ``TARGET_FPR`` on the
   benign rows of every source separately. The C with the best mean detection wins; the spread
   of detection and FPR over the folds at that threshold is reported.
3. Fit on the whole training part plus its augmentation, write
   ``safety/model/guard-classifier.npz``, then score the held-out sets (classifier alone and
   rules + classifier) into ``safety/model/metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from evals.guard.evaluate import held_out_results
from evals.guard.metrics import format_table
from safety.classifier import (
    MODEL_PATH,
    FeatureConfig,
    Featurizer,
    GuardClassifier,
    ModelMeta,
    max_over_segments,
)
from safety.training.augment import augment
from safety.training.datasets import (
    HELD_OUT_FRACTION,
    PRODUCT_HELD_OUT_FRACTION,
    SEED,
    Example,
    Splits,
    load_splits,
)

FEATURES = FeatureConfig(char_ngrams=(2, 5), word_ngrams=(1, 2), n_features_log2=18)
C_GRID = (3.0, 10.0, 30.0)
TARGET_FPR = 0.02
FOLDS = 5
THRESHOLD_GRID = [round(t, 2) for t in np.arange(0.05, 0.96, 0.01)]
METRICS_PATH = MODEL_PATH.parent / "metrics.json"
Scores = npt.NDArray[np.float64]


def _fit(featurizer: Featurizer, examples: list[Example], c: float) -> LogisticRegression:
    rows = examples + augment(examples)
    x = featurizer.transform([e.text for e in rows])
    y = np.array([e.label for e in rows])
    return LogisticRegression(C=c, max_iter=5000).fit(x, y)


def _predictor(model: LogisticRegression, featurizer: Featurizer) -> Callable[[list[str]], Scores]:
    return lambda texts: model.predict_proba(featurizer.transform(texts))[:, 1]


def out_of_fold_scores(
    featurizer: Featurizer, examples: list[Example], c: float
) -> tuple[Scores, npt.NDArray[np.int_]]:
    """Out-of-fold scores and the fold each row was scored in."""
    strata = [f"{e.source}:{e.label}" for e in examples]
    scores = np.zeros(len(examples))
    fold_of = np.zeros(len(examples), dtype=int)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for fold, (train_idx, test_idx) in enumerate(folds.split(np.zeros(len(examples)), strata)):
        model = _fit(featurizer, [examples[i] for i in train_idx], c)
        texts = [examples[i].text for i in test_idx]
        scores[test_idx] = max_over_segments(_predictor(model, featurizer), texts)
        fold_of[test_idx] = fold
    return scores, fold_of


def fold_spread(
    examples: list[Example], scores: Scores, fold_of: npt.NDArray[np.int_], threshold: float
) -> dict[str, dict[str, dict[str, float]]]:
    """Per source, detection and FPR in each fold at ``threshold``: mean, min and max."""
    labels = np.array([e.label for e in examples])
    origin = np.array([e.source for e in examples])
    out: dict[str, dict[str, dict[str, float]]] = {}
    for source in sorted(set(origin)):
        per: dict[str, list[float]] = {"detection": [], "fpr": []}
        for fold in range(FOLDS):
            here = (origin == source) & (fold_of == fold)
            for name, label in (("detection", 1), ("fpr", 0)):
                rows = here & (labels == label)
                if rows.any():
                    per[name].append(float((scores[rows] >= threshold).mean()))
        out[source] = {
            name: {
                "mean": round(float(np.mean(v)), 4),
                "min": round(min(v), 4),
                "max": round(max(v), 4),
            }
            for name, v in per.items()
            if v
        }
    return out


def choose_threshold(
    examples: list[Example], scores: npt.NDArray[np.float64]
) -> tuple[float, dict[str, dict[str, float]]]:
    """Lowest grid threshold with out-of-fold FPR <= TARGET_FPR on every source's benign rows."""
    sources = sorted({e.source for e in examples})
    labels = np.array([e.label for e in examples])
    origin = np.array([e.source for e in examples])

    def rates(threshold: float) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for source in sources:
            benign = (origin == source) & (labels == 0)
            attack = (origin == source) & (labels == 1)
            out[source] = {}
            if benign.any():
                out[source]["fpr"] = round(float((scores[benign] >= threshold).mean()), 4)
            if attack.any():
                out[source]["detection"] = round(float((scores[attack] >= threshold).mean()), 4)
        return out

    for threshold in THRESHOLD_GRID:
        found = rates(threshold)
        if all(r.get("fpr", 0.0) <= TARGET_FPR for r in found.values()):
            return threshold, found
    return THRESHOLD_GRID[-1], rates(THRESHOLD_GRID[-1])


def _mean_detection(rates: dict[str, dict[str, float]]) -> float:
    found = [r["detection"] for r in rates.values() if "detection" in r]
    return float(np.mean(found)) if found else 0.0


def train(splits: Splits) -> tuple[GuardClassifier, dict[str, Any]]:
    featurizer = Featurizer(FEATURES)
    candidates: dict[float, dict[str, Any]] = {}
    for c in C_GRID:
        oof, fold_of = out_of_fold_scores(featurizer, splits.train, c)
        threshold, rates = choose_threshold(splits.train, oof)
        candidates[c] = {
            "threshold": threshold,
            "mean_detection": round(_mean_detection(rates), 4),
            "out_of_fold_train": rates,
            "fold_spread": fold_spread(splits.train, oof, fold_of, threshold),
        }
    best = max(C_GRID, key=lambda c: (candidates[c]["mean_detection"], -c))
    chosen = candidates[best]
    model = _fit(featurizer, splits.train, best)
    trained_with = {
        "C": best,
        "target_fpr": TARGET_FPR,
        "seed": SEED,
        "train_rows": len(splits.train),
        "data_sha256": splits.hashes,
        "sklearn": sklearn.__version__,
    }
    classifier = GuardClassifier(
        weights=model.coef_.ravel().astype(np.float32),
        bias=float(model.intercept_[0]),
        meta=ModelMeta(threshold=chosen["threshold"], features=FEATURES, trained_with=trained_with),
    )
    selection = {
        "C": best,
        **chosen,
        "model_selection": {
            str(c): {k: v[k] for k in ("threshold", "mean_detection")}
            for c, v in candidates.items()
        },
    }
    return classifier, selection


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="folder of the dev sets")
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)

    splits = load_splits(args.data_dir)
    classifier, selection = train(splits)
    # Score what was saved (float16 weights), not the in-memory float64 model.
    classifier.save(args.model)
    saved = GuardClassifier.load(args.model)
    results = held_out_results(saved, splits.held_out)
    metrics = {
        "model_file": args.model.name,
        "model_bytes": args.model.stat().st_size,
        "split": {
            "seed": SEED,
            "held_out_fraction_public": HELD_OUT_FRACTION,
            "held_out_fraction_product": PRODUCT_HELD_OUT_FRACTION,
            "hand_attacks": "never trained on",
        },
        "features": {
            "char_wb_ngrams": list(FEATURES.char_ngrams),
            "word_ngrams": list(FEATURES.word_ngrams),
            "n_features": 2 * 2**FEATURES.n_features_log2,
        },
        "target_fpr": TARGET_FPR,
        **selection,
        "held_out": {
            system: {name: r.to_dict() for name, r in per_set.items()}
            for system, per_set in results.items()
        },
        "data_sha256": splits.hashes,
        "versions": {
            "python": platform.python_version(),
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
        },
    }
    metrics_path = args.model.parent / "metrics.json"
    metrics_path.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"model -> {args.model} ({metrics['model_bytes']:,} bytes), threshold {saved.threshold}")
    print(f"metrics -> {metrics_path}")
    print(format_table(results))


if __name__ == "__main__":
    main()
