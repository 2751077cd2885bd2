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

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
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
from .features import views
from .message import Message

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
    candidates = []
    fold_models_by_weight: dict[float, list] = {}
    for weight_no, meta_weight in enumerate(META_WEIGHTS):
        Xw = _weigh_columns(X, meta_columns, meta_weight)
        fold_models = []
        for i, (train_idx, test_idx) in enumerate(splits):
            y_train = y[train_idx]
            if len(set(y_train)) >= 2 and min(Counter(y_train).values()) >= 2:
                model = build_model(_inner_folds(list(y_train)), seed).fit(
                    Xw[train_idx], y_train)
                fold_models.append((model, Counter(y_train), test_idx))
            step("cross-validation", weight_no * len(splits) + i + 2, total)
        candidates.append((meta_weight, *_choose_prior_weight(Xw, y, fold_models)))
        fold_models_by_weight[meta_weight] = fold_models
    meta_weight, prior_weight, predicted, confidence, tried, meta_tried = _choose_meta_weight(
        y, candidates)
    Xw = _weigh_columns(X, meta_columns, meta_weight)
    best_accuracy = max(r["accuracy"] for r in tried.values())
    offsets, offsets_cv, found = _choose_label_offsets(
        Xw, y, fold_models_by_weight[meta_weight], prior_weight, best_accuracy)
    if found is not None:
        predicted, confidence = found
    features.transformer_weights = {"meta": meta_weight, "shape": SHAPE_WEIGHT}
    final = build_model(_inner_folds(labels), seed).fit(Xw, y)
    _shift_priors(final, Counter(labels), prior_weight, offsets)
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


def _choose_meta_weight(y: np.ndarray, candidates: list) -> tuple:
    """The header-view weight by the same rule as the prior weight: best out-of-fold
    macro-F1 among those within ``PRIOR_ACCURACY_SLACK`` of the best accuracy."""
    scored = []
    for meta_weight, prior_weight, predicted, confidence, tried in candidates:
        done = ~np.isnan(confidence)
        figures = label_metrics(list(y[done]), list(predicted[done])) if done.any() else \
            {"accuracy": 0.0, "macro_f1": 0.0}
        scored.append((meta_weight, figures["accuracy"], figures["macro_f1"], prior_weight,
                       predicted, confidence, tried))
    best_accuracy = max(r[1] for r in scored)
    eligible = [r for r in scored if r[1] >= best_accuracy - PRIOR_ACCURACY_SLACK]
    meta_weight, _, _, prior_weight, predicted, confidence, tried = max(
        eligible, key=lambda r: (r[2], -abs(r[0] - 1.0)))
    meta_tried = {f"{r[0]:g}": {"accuracy": r[1], "macro_f1": r[2]} for r in scored}
    return meta_weight, prior_weight, predicted, confidence, tried, meta_tried


# How strongly the decision leans away from frequent labels: probabilities are divided by
# prior ** weight (0: plain calibrated probabilities; 1: as if every label were as frequent).
PRIOR_WEIGHTS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75)
# A weight must not cost more out-of-fold accuracy than this to be chosen for macro-F1.
PRIOR_ACCURACY_SLACK = 0.01


def _shift_priors(model: CalibratedClassifierCV, counts: Counter, weight: float,
                  offsets: dict[str, float] | None = None) -> list[float]:
    """Divide each label's calibrated probability by its training share ** ``weight`` and
    multiply it by ``exp(offsets[label])``, by moving the intercept of its Platt sigmoid
    (exact where the probability is small, which is where it decides between rare labels).
    Returns the old intercepts (to undo)."""
    calibrated = model.calibrated_classifiers_[0]
    old = [float(c.b_) for c in calibrated.calibrators]
    classes = list(calibrated.estimator.classes_)
    if (weight or offsets) and len(classes) > 2 and len(old) == len(classes):
        total = sum(counts.values())
        offsets = offsets or {}
        for c, label, b in zip(calibrated.calibrators, classes, old, strict=True):
            c.b_ = (b + weight * float(np.log(counts[label] / total))
                    - float(offsets.get(str(label), 0.0)))
    return old


# Per-label decision offsets (log-probability units) tried on the out-of-fold predictions.
# Each unit of offset must buy this much macro-F1; which of these penalties (if any) is used
# is decided by a nested check (see ``_choose_label_offsets``), so the offsets of a
# 14-message label are not fitted to its few out-of-fold examples.
OFFSET_GRID: tuple[float, ...] = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
OFFSET_PENALTIES: tuple[float, ...] = (0.0, 0.01, 0.02)
OFFSET_PASSES = 2


def _macro_f1_codes(y: np.ndarray, p: np.ndarray, k: int) -> tuple[float, float]:
    """(accuracy, macro-F1 over labels present in ``y``) for integer-coded labels."""
    true_n = np.bincount(y, minlength=k)
    pred_n = np.bincount(p, minlength=k)
    tp = np.bincount(y[p == y], minlength=k)
    present = true_n > 0
    f1 = 2.0 * tp[present] / (true_n[present] + pred_n[present])
    return float(tp.sum() / len(y)), float(f1.mean())


def _search_offsets(z: np.ndarray, codes: np.ndarray, penalty: float,
                    max_accuracy_drop: float) -> np.ndarray:
    """Coordinate ascent over ``OFFSET_GRID`` per label: the offsets with the best macro-F1
    minus ``penalty`` per unit of offset, losing at most ``max_accuracy_drop`` accuracy."""
    k = z.shape[1]
    offsets = np.zeros(k)
    base_accuracy, best = _macro_f1_codes(codes, np.argmin(z, axis=1), k)
    for _ in range(OFFSET_PASSES):
        for j in range(k):
            for value in OFFSET_GRID:
                if value == offsets[j]:
                    continue
                trial = offsets.copy()
                trial[j] = value
                accuracy, f1 = _macro_f1_codes(codes, np.argmin(z - trial, axis=1), k)
                objective = f1 - penalty * float(np.abs(trial).sum())
                if accuracy >= base_accuracy - max_accuracy_drop and objective > best + 1e-9:
                    offsets, best = trial, objective
    return offsets


def _oof_exponents(X, y: np.ndarray, fold_models: list, prior_weight: float,
                   classes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The out-of-fold Platt exponents ``a*s + b`` (lower: more probable) under the prior
    weight, one column per label (+inf where a fold model lacks it), and each row's fold
    (-1: not predicted)."""
    index = {label: i for i, label in enumerate(classes)}
    exponents = np.full((len(y), len(classes)), np.inf)
    fold_of = np.full(len(y), -1)
    for fold, (model, counts, test_idx) in enumerate(fold_models):
        calibrated = model.calibrated_classifiers_[0]
        fold_classes = list(calibrated.estimator.classes_)
        if len(fold_classes) <= 2:
            continue
        old = _shift_priors(model, counts, prior_weight)
        a = np.array([c.a_ for c in calibrated.calibrators])
        b = np.array([c.b_ for c in calibrated.calibrators])
        for c, b_old in zip(calibrated.calibrators, old, strict=True):
            c.b_ = b_old
        scores = calibrated.estimator.decision_function(X[test_idx])
        exponents[np.ix_(test_idx, [index[label] for label in fold_classes])] = a * scores + b
        fold_of[test_idx] = fold
    return exponents, fold_of


def _choose_label_offsets(X, y: np.ndarray, fold_models: list, prior_weight: float,
                          best_accuracy: float) -> tuple[
        dict[str, float], dict[str, Any], tuple[np.ndarray, np.ndarray] | None]:
    """Per-label offsets on top of the prior weight (a per-label generalisation of it),
    searched on the out-of-fold predictions (:func:`_search_offsets`) within
    ``PRIOR_ACCURACY_SLACK`` of ``best_accuracy``.

    Whether they generalise is checked first, nested: for each outer fold the offsets are
    searched on the other folds' predictions and applied to this fold's. The penalty with
    the best nested macro-F1 is used on all predictions; when no penalty beats no offsets,
    there are none. Returns the offsets, the figures, and the out-of-fold (predicted,
    confidence) with the offsets (None when there was nothing to tune).
    """
    classes = sorted(set(y))
    k = len(classes)
    if k <= 2 or not fold_models:
        return {}, {}, None
    exponents, fold_of = _oof_exponents(X, y, fold_models, prior_weight, classes)
    done = fold_of >= 0
    if not done.any():
        return {}, {}, None
    z, folds = exponents[done], fold_of[done]
    index = {label: i for i, label in enumerate(classes)}
    codes = np.array([index[label] for label in y[done]])
    base_accuracy, base_f1 = _macro_f1_codes(codes, np.argmin(z, axis=1), k)
    drop = max(0.0, PRIOR_ACCURACY_SLACK - (best_accuracy - base_accuracy))
    nested: dict[str, dict[str, float]] = {"none": {"accuracy": base_accuracy,
                                                    "macro_f1": base_f1}}
    best_penalty, best_f1 = None, base_f1
    for penalty in sorted(OFFSET_PENALTIES, reverse=True):  # ties go to the larger penalty
        predicted = np.empty(len(codes), dtype=int)
        for fold in np.unique(folds):
            inner, outer = folds != fold, folds == fold
            offsets = _search_offsets(z[inner], codes[inner], penalty, drop)
            predicted[outer] = np.argmin(z[outer] - offsets, axis=1)
        accuracy, f1 = _macro_f1_codes(codes, predicted, k)
        nested[f"{penalty:g}"] = {"accuracy": accuracy, "macro_f1": f1}
        if f1 > best_f1 + 1e-9 and accuracy >= base_accuracy - drop:
            best_penalty, best_f1 = penalty, f1
    offsets = (np.zeros(k) if best_penalty is None
               else _search_offsets(z, codes, best_penalty, drop))
    accuracy, f1 = _macro_f1_codes(codes, np.argmin(z - offsets, axis=1), k)
    figures = {"penalty": best_penalty, "nested": nested,
               "after": {"accuracy": accuracy, "macro_f1": f1}}
    # probabilities as predict_proba gives them: a sigmoid per label, normalised
    with np.errstate(over="ignore"):
        proba = 1.0 / (1.0 + np.exp(z - offsets))
    total = proba.sum(axis=1, keepdims=True)
    proba = np.divide(proba, total, out=np.full_like(proba, 1.0 / k), where=total > 0)
    best_col = proba.argmax(axis=1)
    predicted_labels = np.empty(len(y), dtype=object)
    confidence = np.full(len(y), np.nan)
    predicted_labels[done] = np.array(classes, dtype=object)[best_col]
    confidence[done] = proba[np.arange(len(best_col)), best_col]
    chosen = {label: float(offsets[i]) for i, label in enumerate(classes) if offsets[i]}
    return chosen, figures, (predicted_labels, confidence)


def _choose_prior_weight(X, y: np.ndarray, fold_models: list) -> tuple[
        float, np.ndarray, np.ndarray, dict[str, dict[str, float]]]:
    """The prior weight with the best out-of-fold macro-F1 among those within
    ``PRIOR_ACCURACY_SLACK`` of the best out-of-fold accuracy; with its predictions."""
    results = []
    for weight in PRIOR_WEIGHTS:
        predicted = np.empty(len(y), dtype=object)
        confidence = np.full(len(y), np.nan)
        for model, counts, test_idx in fold_models:
            old = _shift_priors(model, counts, weight)
            proba = model.predict_proba(X[test_idx])
            for c, b in zip(model.calibrated_classifiers_[0].calibrators, old, strict=True):
                c.b_ = b
            best = proba.argmax(axis=1)
            predicted[test_idx] = model.classes_[best]
            confidence[test_idx] = proba[np.arange(len(test_idx)), best]
        done = ~np.isnan(confidence)
        figures = label_metrics(list(y[done]), list(predicted[done])) if done.any() else \
            {"accuracy": 0.0, "macro_f1": 0.0}
        results.append((weight, figures["accuracy"], figures["macro_f1"], predicted, confidence))
    best_accuracy = max(r[1] for r in results)
    eligible = [r for r in results if r[1] >= best_accuracy - PRIOR_ACCURACY_SLACK]
    weight, _, _, predicted, confidence = max(eligible, key=lambda r: (r[2], -r[0]))
    tried = {f"{r[0]:g}": {"accuracy": r[1], "macro_f1": r[2]} for r in results}
    return weight, predicted, confidence, tried


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


def _fast_analyzer(vec: TfidfVectorizer) -> Callable[[str], list[str]] | None:
    """The word 1-2 gram analyser of ``vec`` without sklearn's per-token Python loop.

    Same terms as ``vec.build_analyzer()`` (order aside, which counting ignores) for a plain
    configuration; None for anything else.
    """
    plain = (vec.analyzer == "word" and tuple(vec.ngram_range) in ((1, 1), (1, 2))
             and vec.stop_words is None and vec.preprocessor is None and vec.tokenizer is None
             and vec.strip_accents is None and vec.input == "content")
    if not plain:
        return None
    if tuple(vec.ngram_range) == (1, 1):
        if vec.token_pattern == r"\S+" and not vec.lowercase:
            return str.split  # the header tokens: whitespace-separated, case kept
        return None
    if not vec.lowercase:
        return None
    findall = re.compile(vec.token_pattern).findall

    def analyze(doc: str) -> list[str]:
        tokens = findall(doc.lower())
        return tokens + list(map(" ".join, pairwise(tokens)))

    return analyze


class _FastScorer:
    """The fitted vectorisers and calibrated LinearSVC, evaluated without sklearn's checks.

    Computes exactly what ``pipeline.predict_proba`` does (TF-IDF with sublinear tf and l2
    norm per view, one linear decision per class, Platt sigmoid per class, normalised), at
    a fraction of the per-call cost. :meth:`build` returns ``None`` for any pipeline whose
    shape it does not know, and the caller then uses the pipeline itself.
    """

    def __init__(self, views, coef: np.ndarray, intercept: np.ndarray, a: np.ndarray,
                 b: np.ndarray, positions: np.ndarray, n_classes: int):
        self.views = views  # [(column, analyzer, vocabulary, idf, offset, view weight)]
        self.coef_t = np.ascontiguousarray(coef.T)  # (n_features, n_scores)
        self.intercept = intercept
        self.a, self.b = a, b
        self.positions = positions
        self.n_classes = n_classes

    @classmethod
    def build(cls, pipeline: Pipeline) -> _FastScorer | None:
        try:
            features, model = pipeline.steps[0][1], pipeline.steps[-1][1]
            if not isinstance(features, ColumnTransformer):
                return None
            weights = features.transformer_weights or {}
            if not isinstance(model, CalibratedClassifierCV) or model.method != "sigmoid":
                return None
            if len(model.calibrated_classifiers_) != 1:
                return None
            views, offset = [], 0
            for name, vec, col in features.transformers_:
                if not (isinstance(vec, TfidfVectorizer) and isinstance(col, int)
                        and vec.norm == "l2" and vec.use_idf and not vec.binary
                        and vec.sublinear_tf):
                    return None
                views.append((col, _fast_analyzer(vec) or vec.build_analyzer(), vec.vocabulary_,
                              vec.idf_.astype(np.float64), offset,
                              float(weights.get(name, 1.0))))
                offset += len(vec.vocabulary_)
            calibrated = model.calibrated_classifiers_[0]
            svm = calibrated.estimator
            if not hasattr(svm, "coef_") or svm.coef_.shape[1] != offset:
                return None
            classes = list(model.classes_)
            positions = np.array([classes.index(c) for c in svm.classes_])
            a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
            b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
            return cls(views, np.asarray(svm.coef_, dtype=np.float64),
                       np.asarray(svm.intercept_, dtype=np.float64), a, b, positions,
                       len(classes))
        except (AttributeError, IndexError, ValueError):
            return None

    def _row(self, doc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cols, vals = [], []
        for col, analyze, vocab, idf, offset, view_weight in self.views:
            # Counter counts in C; only distinct terms are then looked up
            get = vocab.get
            known = [(j, n) for t, n in Counter(analyze(doc[col])).items()
                     if (j := get(t)) is not None]
            if not known:
                continue
            idx = np.fromiter((j for j, _ in known), dtype=np.int64, count=len(known))
            tf = np.fromiter((n for _, n in known), dtype=np.float64, count=len(known))
            weight = (1.0 + np.log(tf)) * idf[idx]
            weight /= np.sqrt(weight @ weight)
            if view_weight != 1.0:
                weight *= view_weight
            cols.append(idx + offset)
            vals.append(weight)
        if not cols:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(cols), np.concatenate(vals)

    def predict_proba(self, docs: np.ndarray) -> np.ndarray:
        rows = [self._row(doc) for doc in docs]
        # one sparse product for the batch; each row is computed on its own, so a message
        # gets bit-identical probabilities alone or in any batch
        indptr = np.cumsum([0] + [len(idx) for idx, _ in rows])
        indices = np.concatenate([idx for idx, _ in rows]) if rows else np.zeros(0, int)
        data = np.concatenate([val for _, val in rows]) if rows else np.zeros(0)
        X = sp.csr_matrix((data, indices, indptr), shape=(len(rows), len(self.coef_t)))
        scores = np.asarray(X @ self.coef_t) + self.intercept
        if self.n_classes == 2:
            p1 = 1.0 / (1.0 + np.exp(self.a[0] * scores[:, -1] + self.b[0]))
            return np.column_stack([1.0 - p1, p1])
        out = np.zeros((len(rows), self.n_classes))
        out[:, self.positions] = 1.0 / (1.0 + np.exp(self.a * scores + self.b))
        total = out.sum(axis=1, keepdims=True)
        # sklearn's rule: all-zero probabilities become the uniform distribution
        return np.divide(out, total, out=np.full_like(out, 1.0 / self.n_classes),
                         where=total > 0)


class Classifier:
    """A fitted pipeline plus the version it is known by.

    Classification uses :class:`_FastScorer` when the pipeline has the known shape (the
    sklearn call chain validates its input on every call, which costs more than the model
    on one message); the probabilities are the same.
    """

    def __init__(self, pipeline: Pipeline, version: str, top_n: int = 3):
        self.pipeline = pipeline
        self.version = version
        self.labels: tuple[str, ...] = tuple(str(c) for c in pipeline.classes_)
        self.top_n = top_n
        self._fast = _FastScorer.build(pipeline)

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
