"""Train the guard classifier reproducibly: ``python -m safety.training.train [--data-dir DIR]``.

1. Split every development set with a fixed seed (``safety.training.datasets``): 70/30
   stratified for the public sets, 50/50 for the hand-written benign questions (product and
   trigger-word sets); hand-written attacks are never trained on.
2. Pick the decision threshold on 5-fold out-of-fold scores of the *training* part: the lowest
   threshold whose false-positive rate is at most ``TARGET_FPR`` on the benign rows of every
   source separately (so the long role-play prompts of one set cannot hide false positives on
   the short questions of another).
3. Fit on the whole training part, write ``safety/model/guard-classifier.npz``, then score the
   held-out sets (classifier alone and rules + classifier) into ``safety/model/metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from evals.guard.evaluate import held_out_results
from evals.guard.metrics import format_table
from safety.classifier import MODEL_PATH, FeatureConfig, Featurizer, GuardClassifier, ModelMeta
from safety.training.datasets import (
    HELD_OUT_FRACTION,
    PRODUCT_HELD_OUT_FRACTION,
    SEED,
    Example,
    Splits,
    load_splits,
)

FEATURES = FeatureConfig(char_ngrams=(2, 5), word_ngrams=(1, 2), n_features_log2=18)
C = 10.0
TARGET_FPR = 0.02
FOLDS = 5
THRESHOLD_GRID = [round(t, 2) for t in np.arange(0.05, 0.96, 0.01)]
METRICS_PATH = MODEL_PATH.parent / "metrics.json"


def _fit(x: Any, y: npt.NDArray[np.int_]) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def out_of_fold_scores(featurizer: Featurizer, examples: list[Example]) -> npt.NDArray[np.float64]:
    x = featurizer.transform([e.text for e in examples])
    y = np.array([e.label for e in examples])
    strata = [f"{e.source}:{e.label}" for e in examples]
    scores = np.zeros(len(examples))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for train_idx, test_idx in folds.split(np.zeros(len(examples)), strata):
        scores[test_idx] = _fit(x[train_idx], y[train_idx]).predict_proba(x[test_idx])[:, 1]
    return scores


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
            out[source] = {"fpr": round(float((scores[benign] >= threshold).mean()), 4)}
            if attack.any():
                out[source]["detection"] = round(float((scores[attack] >= threshold).mean()), 4)
        return out

    for threshold in THRESHOLD_GRID:
        found = rates(threshold)
        if all(r["fpr"] <= TARGET_FPR for r in found.values()):
            return threshold, found
    return THRESHOLD_GRID[-1], rates(THRESHOLD_GRID[-1])


def train(splits: Splits) -> tuple[GuardClassifier, dict[str, Any]]:
    featurizer = Featurizer(FEATURES)
    oof = out_of_fold_scores(featurizer, splits.train)
    threshold, oof_rates = choose_threshold(splits.train, oof)
    x = featurizer.transform([e.text for e in splits.train])
    y = np.array([e.label for e in splits.train])
    model = _fit(x, y)
    trained_with = {
        "C": C,
        "target_fpr": TARGET_FPR,
        "seed": SEED,
        "train_rows": len(splits.train),
        "data_sha256": splits.hashes,
        "sklearn": sklearn.__version__,
    }
    classifier = GuardClassifier(
        weights=model.coef_.ravel().astype(np.float32),
        bias=float(model.intercept_[0]),
        meta=ModelMeta(threshold=threshold, features=FEATURES, trained_with=trained_with),
    )
    return classifier, {"threshold": threshold, "out_of_fold_train": oof_rates}


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
        "C": C,
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
