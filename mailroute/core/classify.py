"""The cheap tier: a scikit-learn text model that labels a message with a calibrated probability.

Model: TF-IDF word 1-2 grams (text), header tokens, char 3-5 grams (subject) and form
tokens into a LinearSVC whose scores are calibrated with Platt scaling (sigmoid, fitted
out-of-fold). The weight of the header-token view against the text (``META_WEIGHTS``), the
prior weight and per-label decision offsets are chosen by the out-of-fold figures of the
training messages.
Training also predicts every training message out-of-fold, with duplicate groups kept in
one fold; those predictions give the honest training figures and the per-label thresholds
that reach a target precision (see :func:`fit`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from .evaluate import (
    coverage_at_precision,
    duplicate_groups,
    label_metrics,
    precision_thresholds,
)
from .fast_scorer import FastScorer
from .features import views
from .message import Message
from .priors import (
    choose_label_offsets,
    choose_meta_weight,
    choose_prior_weight,
    shift_priors,
)

# Precision targets whose thresholds every model stores (config may pick any of them).
TARGETS: tuple[float, ...] = (0.8, 0.9, 0.95, 0.98, 0.99)
MIN_PER_LABEL = 3

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: called while training, for a progress bar."""


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
    """Figures measured while training, stored in the model's metadata.

    ``accuracy``/``macro_f1`` are out-of-fold: each of the ``n_test`` messages was predicted
    by a model that did not see it (nor its duplicates). ``n_train`` messages built the
    final model. ``extra`` holds ``thresholds_by_target`` and cross-validated coverage.
    """

    n_train: int
    n_test: int
    labels: tuple[str, ...]
    accuracy: float
    macro_f1: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Trained:
    """A fitted pipeline plus its out-of-fold predictions and precision thresholds."""

    pipeline: Pipeline
    report: TrainReport
    oof_predicted: np.ndarray
    oof_confidence: np.ndarray
    thresholds_by_target: dict[str, dict[str, float]]


def target_key(target: float) -> str:
    """The stable string a precision target is stored under (``0.95`` -> ``"0.95"``)."""
    return f"{target:g}"


def build_features() -> ColumnTransformer:
    """Word 1-2 grams over the text (column 0), header tokens (1), form tokens (3) and char
    3-5 grams over the subject (2)."""
    return ColumnTransformer(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2), min_df=3, max_features=300_000, max_df=0.9,
                    sublinear_tf=True, lowercase=True, dtype=np.float32,
                ),
                0,
            ),
            (
                "meta",
                TfidfVectorizer(
                    ngram_range=(1, 1), token_pattern=r"\S+", min_df=1, max_features=100_000,
                    sublinear_tf=True, lowercase=False, dtype=np.float32,
                ),
                1,
            ),
            (
                "shape",
                TfidfVectorizer(
                    ngram_range=(1, 1), token_pattern=r"\S+", min_df=1, max_features=1_000,
                    sublinear_tf=True, lowercase=False, dtype=np.float32,
                ),
                3,
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=50_000,
                    sublinear_tf=True, lowercase=True, dtype=np.float32,
                ),
                2,
            ),
        ]
    )


def build_model(n_folds: int = 3, seed: int = 0) -> CalibratedClassifierCV:
    """LinearSVC with Platt-scaled probabilities; one final SVM (``ensemble=False``) for speed."""
    return CalibratedClassifierCV(
        LinearSVC(C=1.0, class_weight="balanced", random_state=seed),
        method="sigmoid", cv=n_folds, ensemble=False,
    )


def build_pipeline(n_folds: int = 3, seed: int = 0) -> Pipeline:
    """The unfitted pipeline (features + calibrated model)."""
    return Pipeline([("features", build_features()), ("model", build_model(n_folds, seed))])


def to_matrix(messages: Sequence[Message]) -> np.ndarray:
    """The 4-column object array the pipeline takes (:func:`~.features.views`)."""
    docs = np.empty((len(messages), 4), dtype=object)
    for i, msg in enumerate(messages):
        docs[i, 0], docs[i, 1], docs[i, 2], docs[i, 3] = views(msg)
    return docs


def _plain_vocabularies(features: ColumnTransformer) -> None:
    """Store vocabulary indices as Python ints, not NumPy scalars.

    skops writes every NumPy scalar as an object of its own: with NumPy values a 20k-term
    vocabulary took ~35 s to save and ~8 s to load, with ints ~2 s each.
    """
    for _, vec, _ in features.transformers_:
        if hasattr(vec, "vocabulary_"):
            vec.vocabulary_ = {term: int(j) for term, j in vec.vocabulary_.items()}


def _inner_folds(labels: Sequence[str]) -> int:
    smallest = min(Counter(labels).values())
    return max(2, min(3, smallest))


def _check_labels(labels: Sequence[str]) -> None:
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError("training needs at least two labels")
    few = sorted(f"{label} ({n})" for label, n in counts.items() if n < MIN_PER_LABEL)
    if few:
        raise ValueError(
            f"every label needs at least {MIN_PER_LABEL} messages; too few: {', '.join(few)}"
        )


def fit(
    messages: Sequence[Message],
    labels: Sequence[str],
    *,
    folds: int = 3,
    targets: Sequence[float] = TARGETS,
    groups: Sequence[int] | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> Trained:
    """Train the final model on everything and measure it out-of-fold.

    The vectoriser is fitted once on all training messages (its vocabulary sees every fold;
    the classifier and its calibration do not), which keeps training fast. Duplicate groups
    (``groups``; computed from content when not given) stay within one fold.
    """
    labels = [str(label) for label in labels]
    _check_labels(labels)
    step = progress or (lambda _s, _d, _t: None)
    n_outer = max(2, min(folds, min(Counter(labels).values())))
    total = n_outer * len(META_WEIGHTS) + 2
    step("features", 0, total)
    docs = to_matrix(messages)
    y = np.array(labels, dtype=object)
    features = build_features()
    X = features.fit_transform(docs).tocsr()
    _plain_vocabularies(features)
    step("features", 1, total)
    if groups is None:
        groups = duplicate_groups(messages)
    splitter = StratifiedGroupKFold(n_splits=n_outer, shuffle=True, random_state=seed)
    splits = list(splitter.split(X, y, np.asarray(groups)))
    meta_columns = _view_columns(features, "meta")
    X = _weigh_columns(X, _view_columns(features, "shape"), SHAPE_WEIGHT)
    weighted = {w: _weigh_columns(X, meta_columns, w) for w in META_WEIGHTS}
    fitted = _fit_folds(weighted, y, splits, seed, lambda done: step(
        "cross-validation", done + 1, total))
    candidates = []
    fold_models_by_weight: dict[float, list] = {}
    for meta_weight in META_WEIGHTS:
        fold_models = [fitted[meta_weight, i] for i in range(len(splits))
                       if (meta_weight, i) in fitted]
        candidates.append((meta_weight, *choose_prior_weight(weighted[meta_weight], y,
                                                              fold_models)))
        fold_models_by_weight[meta_weight] = fold_models
    meta_weight, prior_weight, predicted, confidence, tried, meta_tried = choose_meta_weight(
        y, candidates)
    Xw = weighted[meta_weight]
    best_accuracy = max(r["accuracy"] for r in tried.values())
    offsets, offsets_cv, found = choose_label_offsets(
        Xw, y, fold_models_by_weight[meta_weight], prior_weight, best_accuracy)
    if found is not None:
        predicted, confidence = found
    features.transformer_weights = {"meta": meta_weight, "shape": SHAPE_WEIGHT}
    final = build_model(_inner_folds(labels), seed).fit(Xw, y)
    shift_priors(final, Counter(labels), prior_weight, offsets)
    step("final model", total, total)
    pipeline = Pipeline([("features", features), ("model", final)])

    done = ~np.isnan(confidence)
    y_done, p_done, c_done = y[done], predicted[done], confidence[done]
    summary = label_metrics(list(y_done), list(p_done))
    thresholds = {
        target_key(t): precision_thresholds(list(y_done), list(p_done), c_done, t,
                                            sorted(set(labels)))
        for t in targets
    }
    coverage = {
        target_key(t): coverage_at_precision(list(y_done), list(p_done), c_done,
                                             thresholds[target_key(t)])
        for t in targets
    }
    report = TrainReport(
        n_train=len(labels),
        n_test=int(done.sum()),
        labels=tuple(sorted(set(labels))),
        accuracy=summary["accuracy"],
        macro_f1=summary["macro_f1"],
        extra={
            "evaluation": f"{n_outer}-fold cross-validation, duplicate groups kept together",
            "prior_weight": prior_weight,
            "prior_weight_cv": tried,
            "label_offsets": offsets,
            "label_offsets_cv": offsets_cv,
            "meta_weight": meta_weight,
            "meta_weight_cv": meta_tried,
            "cv_coverage_at_precision": coverage,
            "thresholds_by_target": thresholds,
        },
    )
    return Trained(pipeline, report, p_done, c_done, thresholds)


# Cross-validation fits run side by side: liblinear releases the GIL while it trains, and
# each fit is independent and seeded, so the results do not depend on the thread count.
FIT_THREADS = max(1, min(4, os.cpu_count() or 1))


def _fit_folds(weighted: dict[float, sp.csr_matrix], y: np.ndarray, splits: list, seed: int,
               done: Callable[[int], None]) -> dict[tuple[float, int], tuple]:
    """One calibrated model per (header weight, fold), trained on the other folds:
    ``(model, label counts, test indices)``; a fold whose training part lacks labels has
    none."""
    jobs = [(w, i) for w in weighted for i in range(len(splits))]

    def run(job: tuple[float, int]) -> tuple | None:
        weight, i = job
        train_idx, test_idx = splits[i]
        y_train = y[train_idx]
        if len(set(y_train)) < 2 or min(Counter(y_train).values()) < 2:
            return None
        model = build_model(_inner_folds(list(y_train)), seed).fit(
            weighted[weight][train_idx], y_train)
        return model, Counter(y_train), test_idx

    out: dict[tuple[float, int], tuple] = {}
    with ThreadPoolExecutor(FIT_THREADS) as pool:
        for n, (job, result) in enumerate(zip(jobs, pool.map(run, jobs), strict=True)):
            if result is not None:
                out[job] = result
            done(n + 1)
    return out


# Weights of the header-token view against the text views, chosen by cross-validation
# (headers decide the route in some mailboxes, e.g. lists, and are noise in others).
META_WEIGHTS: tuple[float, ...] = (1.0, 1.5)
# Weight of the form view (empty mail, bare forward, file references only). Fixed, not
# cross-validated per training: a third cross-validation round would cost ~40% more
# training time. 1.5 had the best out-of-fold macro-F1 (with the offsets then chosen) on the
# Enron training side (1: 0.346, 1.5: 0.366, 2: 0.364, 3: 0.327) and kept SpamAssassin's
# out-of-fold accuracy (0.989).
SHAPE_WEIGHT = 1.5


def _view_columns(features: ColumnTransformer, name: str) -> slice:
    """The columns of one fitted view in the transformed matrix."""
    start = 0
    for view, vec, _ in features.transformers_:
        width = len(vec.vocabulary_)
        if view == name:
            return slice(start, start + width)
        start += width
    raise KeyError(name)


def _weigh_columns(X: sp.csr_matrix, columns: slice, weight: float) -> sp.csr_matrix:
    """``X`` with ``columns`` multiplied by ``weight`` (what ``transformer_weights`` does)."""
    if weight == 1.0:
        return X
    scale = np.ones(X.shape[1], dtype=X.dtype)
    scale[columns] = weight
    return (X @ sp.diags(scale)).tocsr()


def train(
    messages: Sequence[Message], labels: Sequence[str], *, seed: int = 0,
    target_precision: float | None = None, progress: Progress | None = None,
    groups: Sequence[int] | None = None,
) -> tuple[Pipeline, TrainReport]:
    """Fit the model; the report carries out-of-fold figures and thresholds per target.

    With ``target_precision``, ``report.extra["thresholds"]`` holds the per-label thresholds
    for it, which :func:`~mailroute.adapters.model_files.save_model` stores as the model's
    thresholds (the ones the decision uses).
    """
    targets = sorted({*TARGETS, *([target_precision] if target_precision else [])})
    trained = fit(messages, labels, seed=seed, targets=targets, progress=progress,
                  groups=groups)
    if target_precision:
        trained.report.extra["target_precision"] = target_precision
        trained.report.extra["thresholds"] = trained.thresholds_by_target[
            target_key(target_precision)]
    return trained.pipeline, trained.report


class Classifier:
    """A fitted pipeline plus the version it is known by.

    Classification uses :class:`FastScorer` when the pipeline has the known shape (the
    sklearn call chain validates its input on every call, which costs more than the model
    on one message); the probabilities are the same.
    """

    def __init__(self, pipeline: Pipeline, version: str, top_n: int = 3):
        self.pipeline = pipeline
        self.version = version
        self.labels: tuple[str, ...] = tuple(str(c) for c in pipeline.classes_)
        self.top_n = top_n
        self._fast = FastScorer.build(pipeline)

    def probabilities(self, messages: Sequence[Message]) -> np.ndarray:
        """Calibrated probabilities, one row per message, columns in ``self.labels`` order."""
        docs = to_matrix(messages)
        if self._fast is None:
            return self.pipeline.predict_proba(docs)
        return self._fast.predict_proba(docs)

    def classify_many(self, messages: Sequence[Message]) -> list[Classification]:
        if not messages:
            return []
        return [self._result(row) for row in self.probabilities(messages)]

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
