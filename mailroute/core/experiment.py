"""One evaluation run: split, train on the training side only, measure on the test side.

Pure: takes parsed messages, labels and dates; returns plain dicts (JSON-ready).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from .classify import MIN_PER_LABEL, Classifier, fit, target_key
from .evaluate import (
    coverage_at_precision,
    duplicate_groups,
    grouped_folds,
    has_dates,
    label_metrics,
    naive_utc,
    risk_coverage_curve,
    time_split,
)
from .message import Message

DEFAULT_TARGETS = (0.95, 0.98, 0.99)
Progress = Callable[[str, int, int], None]


def choose_split(dates: Sequence[datetime | None], requested: str = "auto") -> tuple[str, str]:
    """``("time"|"kfold", why)``: time-ordered when dates exist and are spread out."""
    if requested == "kfold":
        return "kfold", "stratified k-fold (requested)"
    known = [d for d in dates if d is not None]
    spread = len({naive_utc(d) for d in known}) >= 0.5 * max(1, len(known))
    if has_dates(dates) and spread:
        return "time", "time-ordered (train on the past, test on the future)"
    if requested == "time":
        raise ValueError("a time-ordered split needs a date on at least 90% of the messages, "
                         "mostly distinct")
    return "kfold", "stratified k-fold (no usable dates)"


def predict(classifier: Classifier, messages: Sequence[Message]) -> tuple[list[str], np.ndarray]:
    """Top label and its calibrated probability for each message."""
    if not messages:
        return [], np.zeros(0)
    proba = classifier.probabilities(messages)
    best = proba.argmax(axis=1)
    return [classifier.labels[i] for i in best], proba[np.arange(len(best)), best]


def score(
    y_true: Sequence[str], y_pred: Sequence[str], confidence: np.ndarray,
    thresholds_by_target: Mapping[str, Mapping[str, float]], targets: Sequence[float],
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Metrics plus coverage/precision at each target, using thresholds chosen elsewhere."""
    out = label_metrics(list(y_true), list(y_pred), labels)
    out["coverage_at_precision"] = {
        target_key(t): coverage_at_precision(y_true, y_pred, confidence,
                                             thresholds_by_target.get(target_key(t), {}))
        for t in targets
    }
    return out


def evaluate(
    messages: Sequence[Message],
    labels: Sequence[str],
    dates: Sequence[datetime | None] | None = None,
    *,
    split: str = "auto",
    folds: int = 5,
    test_size: float = 0.2,
    targets: Sequence[float] = DEFAULT_TARGETS,
    groups: Sequence[int] | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Measure how the classifier does on messages it was not trained on.

    Time split: one model trained on the oldest ``1 - test_size``. K-fold: ``folds`` models,
    every message predicted once by a model that did not see it (``n_train`` is then the
    mean training size). Thresholds come from cross-validation inside each training side.
    """
    labels = [str(label) for label in labels]
    dates = list(dates) if dates is not None else [m.date for m in messages]
    groups = list(groups) if groups is not None else duplicate_groups(messages)
    kind, why = choose_split(dates, split)
    if kind == "time":
        splits = [time_split(dates, groups, test_size)]
    else:
        splits = grouped_folds(labels, groups, folds, seed)
    step = progress or (lambda _s, _d, _t: None)
    y = np.array(labels, dtype=object)
    predicted = np.empty(len(labels), dtype=object)
    confidence = np.full(len(labels), np.nan)
    tested = np.zeros(len(labels), dtype=bool)
    fold_thresholds: list[np.ndarray] = []
    per_target: dict[str, np.ndarray] = {target_key(t): np.zeros(len(labels)) for t in targets}
    n_train: list[int] = []
    too_rare: set[str] = set()
    for i, (train_idx, test_idx) in enumerate(splits):
        step(f"training {i + 1}/{len(splits)}", i, len(splits))
        # a label (nearly) absent from the training side cannot be learned; its test
        # messages stay in the test set and count as errors
        counts = Counter(y[train_idx])
        rare = {label for label, n in counts.items() if n < MIN_PER_LABEL}
        too_rare |= rare
        train_idx = np.array([j for j in train_idx if y[j] not in rare], dtype=int)
        trained = fit([messages[j] for j in train_idx], list(y[train_idx]), targets=targets,
                      seed=seed, groups=[groups[j] for j in train_idx])
        model = Classifier(trained.pipeline, "eval")
        pred, conf = predict(model, [messages[j] for j in test_idx])
        predicted[test_idx], confidence[test_idx], tested[test_idx] = pred, conf, True
        # each test message is judged by the thresholds of the model that predicted it
        for key, table in trained.thresholds_by_target.items():
            per_target[key][test_idx] = [table.get(p, 1.0) for p in pred]
        fold_thresholds.append(trained.thresholds_by_target)
        n_train.append(len(train_idx))
    step("measuring", len(splits), len(splits))

    y_t, p_t, c_t = list(y[tested]), list(predicted[tested]), confidence[tested]
    result = label_metrics(y_t, p_t, sorted(set(labels)))
    coverage = {}
    for t in targets:
        limits = per_target[target_key(t)][tested]
        take = c_t >= limits
        routed = int(take.sum())
        correct = int(sum(a == b for a, b, k in zip(y_t, p_t, take, strict=True) if k))
        coverage[target_key(t)] = {
            "coverage": routed / len(take) if len(take) else 0.0,
            "precision": correct / routed if routed else None,
            "routed": routed, "n": len(take),
        }
    result.update(
        split=kind, split_detail=why, n_train=round(sum(n_train) / len(n_train)),
        n_test=int(tested.sum()), n_folds=len(splits),
        coverage_at_precision=coverage,
        risk_coverage=risk_coverage_curve(y_t, p_t, c_t),
        thresholds=fold_thresholds[0] if len(fold_thresholds) == 1 else None,
        untrained_labels=sorted(too_rare),
    )
    if kind == "time":
        test_dates = [dates[j] for j in splits[0][1] if dates[j] is not None]
        if test_dates:
            result["test_period"] = [min(test_dates).isoformat(), max(test_dates).isoformat()]
    return result
