"""The local classifier layer: hashed character + word n-grams -> logistic regression.

A question-sized text is scored whole and sentence by sentence, and the highest score counts:
an instruction hidden after an innocent question is not diluted by the question.

The model file (``safety/model/guard-classifier.npz``) holds the weights as float16, the bias,
the decision threshold and the feature settings; it is written by
``python -m safety.training.train``.
Features come from scikit-learn's stateless ``HashingVectorizer`` (nothing is fitted), so the
file is all there is to the model. It is loaded once per process.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from safety.verdict import Verdict

if TYPE_CHECKING:  # scikit-learn and SciPy are imported on first use (keeps `rag --help` fast)
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import HashingVectorizer

MODEL_PATH = Path(__file__).resolve().parent / "model" / "guard-classifier.npz"
MAX_CHARS = 12_000  # longer text is scored on its head and tail (attacks hide at either end)
SEGMENT_MAX_CHARS = 1_000  # longer texts (role-play prompts) are scored whole only
MIN_SEGMENT_WORDS = 3
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?=P\.?S\.?\b)")


@dataclass(frozen=True)
class FeatureConfig:
    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: tuple[int, int] = (1, 2)
    n_features_log2: int = 18

    def vectorizers(self) -> list[HashingVectorizer]:
        from sklearn.feature_extraction.text import HashingVectorizer

        common: dict[str, Any] = {
            "n_features": 1 << self.n_features_log2,
            "alternate_sign": False,
            "norm": "l2",
            "lowercase": True,
            "strip_accents": "unicode",
            "dtype": np.float32,
        }
        return [
            HashingVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, **common),
            HashingVectorizer(
                analyzer="word",
                ngram_range=self.word_ngrams,
                token_pattern=r"(?u)\b\w+\b",
                **common,
            ),
        ]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConfig:
        return cls(
            char_ngrams=(int(data["char_ngrams"][0]), int(data["char_ngrams"][1])),
            word_ngrams=(int(data["word_ngrams"][0]), int(data["word_ngrams"][1])),
            n_features_log2=int(data["n_features_log2"]),
        )


def prepare(text: str) -> str:
    """The text the classifier sees: NFKC, literal "\\n" as a newline, head + tail if long."""
    text = unicodedata.normalize("NFKC", text).replace("\\n", "\n")
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = text[:half] + "\n" + text[-half:]
    return text


def segments(text: str) -> list[str]:
    """The text, then its sentences of 3+ words when it is question-sized and has several."""
    if len(text) > SEGMENT_MAX_CHARS:
        return [text]
    pieces = [p for p in _SENTENCE_BREAK.split(text) if len(p.split()) >= MIN_SEGMENT_WORDS]
    return [text, *pieces] if len(pieces) > 1 else [text]


def max_over_segments(
    probabilities: Callable[[list[str]], npt.NDArray[np.float64]], texts: Sequence[str]
) -> npt.NDArray[np.float64]:
    """Per text, the highest probability over its segments (one batched call)."""
    owners: list[int] = []
    flat: list[str] = []
    for n, text in enumerate(texts):
        parts = segments(text)
        flat += parts
        owners += [n] * len(parts)
    scores = np.zeros(len(texts))
    np.maximum.at(scores, np.array(owners, dtype=np.intp), probabilities(flat))
    return scores


class Featurizer:
    def __init__(self, config: FeatureConfig) -> None:
        self.config = config
        self._vectorizers = config.vectorizers()

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        import scipy.sparse as sp

        prepared = [prepare(t) for t in texts]
        blocks = [v.transform(prepared) for v in self._vectorizers]
        return sp.csr_matrix(sp.hstack(blocks, format="csr"))

    @property
    def n_features(self) -> int:
        return len(self._vectorizers) * (1 << self.config.n_features_log2)


@dataclass(frozen=True)
class ModelMeta:
    threshold: float
    features: FeatureConfig
    trained_with: dict[str, Any]


class GuardClassifier:
    """Scores text 0..1 (1 = attack) with the committed linear model."""

    def __init__(
        self,
        weights: npt.NDArray[np.float32],
        bias: float,
        meta: ModelMeta,
    ) -> None:
        self.weights = weights
        self.bias = bias
        self.meta = meta

    @cached_property
    def featurizer(self) -> Featurizer:
        return Featurizer(self.meta.features)

    @property
    def threshold(self) -> float:
        return self.meta.threshold

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Each text scored as it is (no segmenting)."""
        margins = np.asarray(self.featurizer.transform(texts) @ self.weights + self.bias).ravel()
        return np.array([_sigmoid(float(m)) for m in margins])

    def scores(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        return [float(s) for s in max_over_segments(self.probabilities, texts)]

    def score(self, text: str) -> float:
        return self.scores([text])[0]

    def save(self, path: Path = MODEL_PATH) -> None:
        meta = {
            "threshold": self.meta.threshold,
            "features": asdict(self.meta.features),
            "trained_with": self.meta.trained_with,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            np.savez_compressed(
                out,
                weights=self.weights.astype(np.float16),
                bias=np.array([self.bias], dtype=np.float64),
                meta=np.array(json.dumps(meta, sort_keys=True)),
            )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> GuardClassifier:
        with np.load(path, allow_pickle=False) as data:
            weights = data["weights"].astype(np.float32)
            bias = float(data["bias"][0])
            raw = json.loads(str(data["meta"]))
        meta = ModelMeta(
            threshold=float(raw["threshold"]),
            features=FeatureConfig.from_dict(raw["features"]),
            trained_with=dict(raw.get("trained_with", {})),
        )
        return cls(weights, bias, meta)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


_LOCK = threading.Lock()
_LOADED: dict[Path, GuardClassifier] = {}


def load_default(path: Path = MODEL_PATH) -> GuardClassifier:
    """The committed model, loaded once per process (thread-safe)."""
    with _LOCK:
        if path not in _LOADED:
            model = GuardClassifier.load(path)
            # One score under the lock builds the featurizer (importing scikit-learn/SciPy):
            # concurrent first questions would otherwise import them from several threads at
            # once, and a half-imported module raises, which a fail-closed guard refuses on.
            model.score("warm-up")
            _LOADED[path] = model
        return _LOADED[path]


class ClassifierLayer:
    """Guard layer: blocks when the classifier score reaches the threshold."""

    name = "classifier"

    def __init__(self, threshold: float | None = None, model: GuardClassifier | None = None):
        self._model = model
        self._threshold = threshold

    @property
    def model(self) -> GuardClassifier:
        if self._model is None:
            self._model = load_default()
        return self._model

    @property
    def threshold(self) -> float:
        return self.model.threshold if self._threshold is None else self._threshold

    def check(self, text: str) -> Verdict:
        score = self.model.score(text)
        blocked = score >= self.threshold
        return Verdict(blocked, score, f"classifier:{score:.2f}", self.name)
