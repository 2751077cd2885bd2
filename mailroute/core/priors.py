"""How the decision leans between labels: weights chosen on out-of-fold predictions.

A label with few examples is almost never the most probable one. Training therefore tries,
on the out-of-fold predictions, a weight that divides each label's probability by its
training share (``PRIOR_WEIGHTS``), per-label offsets on top (``OFFSET_GRID``, kept only
when a nested check says they generalise), and the header view's weight; each within
``PRIOR_ACCURACY_SLACK`` of the best out-of-fold accuracy. What is chosen is folded into the
intercepts of the Platt sigmoids (:func:`shift_priors`), so a saved model and the fast
scorer need nothing else.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV

from .evaluate import label_metrics


def choose_meta_weight(y: np.ndarray, candidates: list) -> tuple:
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


def shift_priors(model: CalibratedClassifierCV, counts: Counter, weight: float,
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
# is decided by a nested check (see ``choose_label_offsets``), so the offsets of a
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


def search_offsets(z: np.ndarray, codes: np.ndarray, penalty: float,
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
        old = shift_priors(model, counts, prior_weight)
        a = np.array([c.a_ for c in calibrated.calibrators])
        b = np.array([c.b_ for c in calibrated.calibrators])
        for c, b_old in zip(calibrated.calibrators, old, strict=True):
            c.b_ = b_old
        scores = calibrated.estimator.decision_function(X[test_idx])
        exponents[np.ix_(test_idx, [index[label] for label in fold_classes])] = a * scores + b
        fold_of[test_idx] = fold
    return exponents, fold_of


def choose_label_offsets(X, y: np.ndarray, fold_models: list, prior_weight: float,
                          best_accuracy: float) -> tuple[
        dict[str, float], dict[str, Any], tuple[np.ndarray, np.ndarray] | None]:
    """Per-label offsets on top of the prior weight (a per-label generalisation of it),
    searched on the out-of-fold predictions (:func:`search_offsets`) within
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
            offsets = search_offsets(z[inner], codes[inner], penalty, drop)
            predicted[outer] = np.argmin(z[outer] - offsets, axis=1)
        accuracy, f1 = _macro_f1_codes(codes, predicted, k)
        nested[f"{penalty:g}"] = {"accuracy": accuracy, "macro_f1": f1}
        if f1 > best_f1 + 1e-9 and accuracy >= base_accuracy - drop:
            best_penalty, best_f1 = penalty, f1
    offsets = (np.zeros(k) if best_penalty is None
               else search_offsets(z, codes, best_penalty, drop))
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


def choose_prior_weight(X, y: np.ndarray, fold_models: list) -> tuple[
        float, np.ndarray, np.ndarray, dict[str, dict[str, float]]]:
    """The prior weight with the best out-of-fold macro-F1 among those within
    ``PRIOR_ACCURACY_SLACK`` of the best out-of-fold accuracy; with its predictions."""
    results = []
    for weight in PRIOR_WEIGHTS:
        predicted = np.empty(len(y), dtype=object)
        confidence = np.full(len(y), np.nan)
        for model, counts, test_idx in fold_models:
            old = shift_priors(model, counts, weight)
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
