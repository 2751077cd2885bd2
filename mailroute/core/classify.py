"""The cheap tier: a scikit-learn text model that labels a message with a probability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from .features import document
from .message import Message


@dataclass(frozen=True, slots=True)
class Classification:
    """A label with its calibrated probability and the runner-up labels."""

    label: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()
    model_version: str = ""
    tier: str = "classifier"


@dataclass(frozen=True, slots=True)
class TrainReport:
    """Figures measured while training, stored in the model's metadata."""

    n_train: int
    n_test: int
    labels: tuple[str, ...]
    accuracy: float
    macro_f1: float
    extra: dict[str, Any] = field(default_factory=dict)


def build_pipeline(n_folds: int = 3, seed: int = 0) -> Pipeline:
    """Word 1-2 grams over text and routing tokens, char 3-5 grams over subject and opening."""
    features = ColumnTransformer(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2), min_df=1, max_features=200_000,
                    sublinear_tf=True, lowercase=True, dtype=np.float32,
                ),
                0,
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=100_000,
                    sublinear_tf=True, lowercase=True, dtype=np.float32,
                ),
                1,
            ),
        ]
    )
    model = CalibratedClassifierCV(
        LinearSVC(C=0.5, class_weight="balanced", random_state=seed),
        method="sigmoid",
        cv=n_folds,
    )
    return Pipeline([("features", features), ("model", model)])


def to_matrix(messages: Sequence[Message]) -> np.ndarray:
    """The 2-column object array the pipeline takes (words view, chars view)."""
    docs = np.empty((len(messages), 2), dtype=object)
    for i, msg in enumerate(messages):
        docs[i, 0], docs[i, 1] = document(msg)
    return docs


def _folds(labels: Sequence[str]) -> int:
    smallest = min(labels.count(label) for label in set(labels)) if labels else 0
    return max(2, min(3, smallest))


def train(
    messages: Sequence[Message], labels: Sequence[str], *, test_size: float = 0.2, seed: int = 0
) -> tuple[Pipeline, TrainReport]:
    """Measure on a stratified held-out split, then fit the final model on everything."""
    labels = list(labels)
    if len(set(labels)) < 2:
        raise ValueError("training needs at least two labels")
    X = to_matrix(messages)
    y = np.array(labels, dtype=object)
    idx_train, idx_test = train_test_split(
        np.arange(len(labels)), test_size=test_size, random_state=seed, stratify=y
    )
    held_out = build_pipeline(_folds([labels[i] for i in idx_train]), seed)
    held_out.fit(X[idx_train], y[idx_train])
    predicted = held_out.predict(X[idx_test])
    report = TrainReport(
        n_train=len(idx_train),
        n_test=len(idx_test),
        labels=tuple(sorted(set(labels))),
        accuracy=float(accuracy_score(y[idx_test], predicted)),
        macro_f1=float(f1_score(y[idx_test], predicted, average="macro")),
    )
    final = build_pipeline(_folds(labels), seed)
    final.fit(X, y)
    return final, report


class Classifier:
    """A fitted pipeline plus the version it is known by."""

    def __init__(self, pipeline: Pipeline, version: str, top_n: int = 3):
        self.pipeline = pipeline
        self.version = version
        self.labels: tuple[str, ...] = tuple(str(c) for c in pipeline.classes_)
        self.top_n = top_n

    def classify_many(self, messages: Sequence[Message]) -> list[Classification]:
        if not messages:
            return []
        probabilities = self.pipeline.predict_proba(to_matrix(messages))
        return [self._result(row) for row in probabilities]

    def classify(self, message: Message) -> Classification:
        return self.classify_many([message])[0]

    def _result(self, row: np.ndarray) -> Classification:
        order = np.argsort(row)[::-1]
        ranked = tuple((self.labels[i], float(row[i])) for i in order[: self.top_n])
        return Classification(
            label=ranked[0][0],
            confidence=ranked[0][1],
            alternatives=ranked[1:],
            model_version=self.version,
        )
