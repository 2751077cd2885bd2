"""Pure evaluation pieces: duplicates, splits, metrics, precision thresholds, risk–coverage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from mailroute.core.evaluate import (
    coverage_at_precision,
    duplicate_groups,
    grouped_folds,
    label_metrics,
    precision_thresholds,
    risk_coverage_curve,
    time_split,
)
from mailroute.core.experiment import choose_split
from mailroute.core.message import Message


def _msg(subject: str, body: str) -> Message:
    return Message("t", "INBOX", subject, "h", subject=subject, body=body)


def test_near_duplicates_share_a_group() -> None:
    groups = duplicate_groups([
        _msg("Invoice 12", "Pay EUR 100 by 1 May."),
        _msg("RE: Invoice 13", "Pay  EUR 250 by 2 May!"),  # same words, other numbers
        _msg("Invoice 12", "Something else entirely."),
    ])
    assert groups[0] == groups[1] != groups[2]


def test_time_split_tests_the_future_and_keeps_groups_together() -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    dates = [day + timedelta(days=i) for i in range(10)]
    groups = list(range(10))
    groups[9] = 2  # the newest message is a copy of an old one: it must not be tested
    train, test = time_split(dates, groups, test_size=0.3)
    assert set(test) == {7, 8}
    assert 9 in train and 2 in train
    assert max(dates[i] for i in train if i != 9) < min(dates[i] for i in test)


def test_time_split_mixed_time_zones_order_by_utc() -> None:
    from datetime import timezone

    plus2 = timezone(timedelta(hours=2))
    dates = [datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 1, 1, 13, tzinfo=plus2)]
    _, test = time_split(dates, [0, 1], test_size=0.5)
    assert list(test) == [0]  # 12:00 UTC is later than 11:00 UTC


def test_grouped_folds_stratify_and_keep_groups() -> None:
    labels = ["a"] * 10 + ["b"] * 10
    groups = [i // 2 for i in range(20)]  # pairs of duplicates
    folds = grouped_folds(labels, groups, n_folds=5)
    assert len(folds) == 5
    seen = []
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
        assert {labels[i] for i in test} == {"a", "b"}
        seen.extend(test)
    assert sorted(seen) == list(range(20))


def test_split_choice() -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    spread = [day + timedelta(hours=i) for i in range(10)]
    assert choose_split(spread)[0] == "time"
    assert choose_split(spread, "kfold")[0] == "kfold"
    assert choose_split([None] * 10)[0] == "kfold"
    assert choose_split([day] * 10)[0] == "kfold"  # one date for all: order means nothing
    with pytest.raises(ValueError, match="time-ordered"):
        choose_split([None] * 10, "time")


def test_label_metrics() -> None:
    m = label_metrics(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert m["accuracy"] == 0.75
    assert m["per_label"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3),
                                   "support": 2}
    assert m["per_label"]["b"]["precision"] == pytest.approx(2 / 3)
    assert m["confusion"] == [[1, 1], [0, 2]]
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_precision_thresholds_pick_the_widest_precise_set() -> None:
    # predicted "a" with falling confidence; the 4th most confident is wrong
    truth = ["a", "a", "a", "b", "a", "a", "b", "b"]
    pred = ["a"] * 6 + ["b", "b"]
    conf = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.9, 0.5]
    t = precision_thresholds(truth, pred, conf, 0.8, ["a", "b", "c"])
    # a: top 3 precise (1.0), top 5 = 4/5 = 0.8, top 6 = 5/6 -> lowest is 0.6
    assert t["a"] == 0.6
    assert precision_thresholds(truth, pred, conf, 0.9, ["a"])["a"] == 0.9
    assert t["b"] == 0.5  # both b predictions right
    assert t["c"] == 1.0  # never predicted: never routed alone
    assert precision_thresholds(["b"], ["a"], [0.99], 0.5, ["a"])["a"] == 1.0


def test_ties_are_accepted_or_refused_together() -> None:
    truth, pred = ["a", "b"], ["a", "a"]
    t = precision_thresholds(truth, pred, [0.9, 0.9], 0.9, ["a"])
    assert t["a"] == 1.0


def test_coverage_at_precision_and_curve() -> None:
    truth = ["a", "a", "b", "b"]
    pred = ["a", "b", "b", "b"]
    conf = [0.9, 0.4, 0.8, 0.3]
    point = coverage_at_precision(truth, pred, conf, {"a": 0.5, "b": 0.5})
    assert point == {"coverage": 0.5, "precision": 1.0, "routed": 2, "n": 4}
    none = coverage_at_precision(truth, pred, conf, {"a": 1.0, "b": 1.0})
    assert none["coverage"] == 0.0 and none["precision"] is None
    curve = risk_coverage_curve(truth, pred, conf)
    assert curve["coverage"] == [0.25, 0.5, 0.75, 1.0]
    assert np.allclose(curve["precision"], [1.0, 1.0, 2 / 3, 3 / 4])
