"""Honest measurement of a classifier: splits that do not flatter, metrics, risk–coverage.

Pure functions over labels, predictions and confidences; no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedGroupKFold

from .message import Message

_NON_WORD = re.compile(r"[\W\d_]+", re.UNICODE)
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|antw|doorst|tr|wg)\s*:\s*)+", re.I)


# -- duplicates and splits ------------------------------------------------------------------

def content_key(msg: Message) -> str:
    """A near-duplicate key: subject without Re/Fwd plus body, letters only, lower-cased.

    Digits and punctuation are dropped so copies that differ only in a date, a number or
    whitespace (the same mail in sender's and recipient's mailbox, spam templates) collide.
    """
    subject = _SUBJECT_PREFIX.sub("", msg.subject)
    text = _NON_WORD.sub(" ", f"{subject}\n{msg.body[:20_000]}".lower()).split()
    return hashlib.sha1(" ".join(text).encode("utf-8")).hexdigest()


def duplicate_groups(messages: Sequence[Message]) -> list[int]:
    """A group number per message; exact and near duplicates share one."""
    seen: dict[str, int] = {}
    return [seen.setdefault(content_key(msg), len(seen)) for msg in messages]


def naive_utc(value: datetime | None) -> datetime:
    """Comparable form of a date: aware ones converted to UTC; missing ones sort first."""
    if value is None:
        return datetime.min
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def time_split(
    dates: Sequence[datetime | None], groups: Sequence[int], test_size: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Train on the past, test on the future.

    Messages are ordered by date; the newest ``test_size`` share is the test set. A
    duplicate group lives where its earliest member falls (so no copy of a training message
    is tested). Messages without a date count as oldest (training side).
    """
    n = len(dates)
    keys = [naive_utc(d) for d in dates]
    order = sorted(range(n), key=lambda i: (keys[i], i))
    n_test = max(1, round(n * test_size))
    test_rank = set(order[n - n_test:])
    first_side: dict[int, bool] = {}
    for i in order:
        first_side.setdefault(groups[i], i in test_rank)
    is_test = np.array([first_side[groups[i]] for i in range(n)])
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def grouped_folds(
    labels: Sequence[str], groups: Sequence[int], n_folds: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold with each duplicate group inside one fold."""
    y = np.asarray(labels, dtype=object)
    smallest = min(np.unique(y, return_counts=True)[1])
    k = max(2, min(n_folds, int(smallest)))
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(y)), y, np.asarray(groups)))


def has_dates(dates: Sequence[datetime | None], min_share: float = 0.9) -> bool:
    """True when enough messages carry a date for a time-ordered split to mean something."""
    return bool(dates) and sum(d is not None for d in dates) >= min_share * len(dates)


# -- metrics --------------------------------------------------------------------------------

def label_metrics(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-label precision/recall/F1/support and the confusion matrix."""
    labels = list(labels) if labels is not None else sorted(set(y_true) | set(y_pred))
    if not y_true:
        return {"accuracy": 0.0, "macro_f1": 0.0, "per_label": {}, "labels": labels,
                "confusion": []}
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    present = sorted(set(y_true))
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        # macro over labels that occur in the truth: a label absent from the test set
        # cannot be scored, and counting it as 0 would punish a split, not the model
        "macro_f1": float(f1_score(y_true, y_pred, labels=present, average="macro",
                                   zero_division=0)),
        "per_label": {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                    "support": int(s[i])}
            for i, label in enumerate(labels)
        },
        "labels": labels,
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


# -- thresholds and risk–coverage -----------------------------------------------------------

def precision_thresholds(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    confidence: Sequence[float],
    target: float,
    labels: Sequence[str],
) -> dict[str, float]:
    """Per predicted label, the lowest confidence whose accepted set reaches ``target``.

    For label L, look at the messages predicted as L; accepting those with confidence at
    or above t has precision = share truly L. The threshold is the lowest t (so the widest
    coverage) with precision >= target; 1.0 (route nothing alone) when none reaches it.
    """
    y_true_a = np.asarray(y_true, dtype=object)
    y_pred_a = np.asarray(y_pred, dtype=object)
    conf = np.asarray(confidence, dtype=float)
    out: dict[str, float] = {}
    for label in labels:
        mask = y_pred_a == label
        if not mask.any():
            out[label] = 1.0
            continue
        c = conf[mask]
        ok = (y_true_a[mask] == label).astype(float)
        order = np.argsort(-c, kind="stable")
        c, ok = c[order], ok[order]
        precision = np.cumsum(ok) / np.arange(1, len(ok) + 1)
        # only cut between distinct confidences: ties are accepted or refused together
        last_of_tie = np.append(c[1:] != c[:-1], True)
        good = np.flatnonzero(last_of_tie & (precision >= target))
        out[label] = float(c[good[-1]]) if len(good) else 1.0
    return out


def accepted(
    y_pred: Sequence[str], confidence: Sequence[float], thresholds: Mapping[str, float]
) -> np.ndarray:
    """Which predictions clear their label's threshold (would be routed without a human)."""
    conf = np.asarray(confidence, dtype=float)
    limit = np.array([thresholds.get(p, 1.0) for p in y_pred], dtype=float)
    return conf >= limit if len(conf) else np.zeros(0, dtype=bool)


def coverage_at_precision(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    confidence: Sequence[float],
    thresholds: Mapping[str, float],
) -> dict[str, float | int | None]:
    """Share routed alone under ``thresholds`` and the precision of what was routed."""
    take = accepted(y_pred, confidence, thresholds)
    n = len(take)
    routed = int(take.sum())
    correct = int((np.asarray(y_true, dtype=object)[take] == np.asarray(y_pred, dtype=object)[
        take]).sum()) if routed else 0
    return {
        "coverage": routed / n if n else 0.0,
        "precision": correct / routed if routed else None,
        "routed": routed,
        "n": n,
    }


def risk_coverage_curve(
    y_true: Sequence[str], y_pred: Sequence[str], confidence: Sequence[float]
) -> dict[str, list[float]]:
    """Coverage and precision when routing the most confident share, at every cut point."""
    conf = np.asarray(confidence, dtype=float)
    if not len(conf):
        return {"coverage": [], "precision": [], "threshold": []}
    order = np.argsort(-conf, kind="stable")
    ok = (np.asarray(y_true, dtype=object) == np.asarray(y_pred, dtype=object))[order]
    n = np.arange(1, len(ok) + 1)
    return {
        "coverage": (n / len(ok)).tolist(),
        "precision": (np.cumsum(ok) / n).tolist(),
        "threshold": conf[order].tolist(),
    }
