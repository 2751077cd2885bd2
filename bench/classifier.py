#!/usr/bin/env python
"""Classifier benchmark on real labelled corpora: a TF-IDF + LinearSVC baseline and mailroute's
classifier side by side, on the same split, plus speed.

    .venv/bin/python bench/classifier.py [--data ../shared/data] [--only spamassassin|enron]
                                         [--json results.json]

Corpora (read their READMEs):
- ``spamassassin-public-corpus``: 12-way ``label_route`` WITH full headers (real routing may
  use List-Id and friends, and the label was derived from them, so this measures how well the
  model picks up routing headers). Stratified 80/20 split, duplicate groups on one side.
- ``enron-berkeley-categories``: 8 coarse genres, time-ordered 80/20 split (train on the past),
  duplicate groups on one side.

Duplicate groups join the corpus' own duplicate column (``body_dup_of``/``dup_of``) with
mailroute's near-duplicate key. Thresholds for each precision target come from
cross-validation on the training side only and are measured on the test side.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mailroute.adapters.corpus import iter_csv  # noqa: E402
from mailroute.core.classify import Classifier, fit, target_key  # noqa: E402
from mailroute.core.evaluate import (  # noqa: E402
    coverage_at_precision,
    duplicate_groups,
    grouped_folds,
    label_metrics,
    time_split,
)
from mailroute.core.message import RawMail  # noqa: E402
from mailroute.core.parse import parse  # noqa: E402


@dataclass(frozen=True)
class Task:
    name: str
    folder: str
    label_column: str
    dup_column: str
    split: str  # "time" or "stratified"
    targets: tuple[float, ...]


TASKS = {
    "spamassassin": Task("SpamAssassin label_route (12-way, full headers)",
                         "spamassassin-public-corpus", "label_route", "body_dup_of",
                         "stratified", (0.95, 0.99)),
    "enron": Task("Enron Berkeley coarse genre (8-way)", "enron-berkeley-categories", "label",
                  "dup_of", "time", (0.9, 0.95)),
}


def _union_groups(own: list[int], paths: list[str], dup_of: list[str]) -> list[int]:
    """Merge mailroute's duplicate groups with the corpus' own duplicate column."""
    parent = list(range(len(own)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of_group: dict[int, int] = {}
    for i, g in enumerate(own):
        parent[find(i)] = find(first_of_group.setdefault(g, i))
    index = {p: i for i, p in enumerate(paths)}
    for i, original in enumerate(dup_of):
        if original and original in index:
            parent[find(i)] = find(index[original])
    return [find(i) for i in range(len(own))]


def _dup_column(labels_csv: Path, column: str) -> dict[str, str]:
    import csv

    with labels_csv.open(newline="", encoding="utf-8") as handle:
        return {row["path"]: row.get(column) or "" for row in csv.DictReader(handle)}


def load(task: Task, data: Path):
    root = data / task.folder
    entries = list(iter_csv(root / "labels.csv", label_column=task.label_column,
                            date_column="date_utc"))
    raws = [RawMail("bench", label, str(path), path.read_bytes(), received_at=date)
            for label, path, date in entries]
    start = time.perf_counter()
    messages = [parse(raw) for raw in raws]
    parse_rate = len(raws) / (time.perf_counter() - start)
    rel = [str(Path(raw.source_id).relative_to(root)) for raw in raws]
    dups = _dup_column(root / "labels.csv", task.dup_column)
    groups = _union_groups(duplicate_groups(messages), rel, [dups.get(p, "") for p in rel])
    labels = [label for label, _, _ in entries]
    dates = [date for _, _, date in entries]
    return messages, labels, dates, groups, parse_rate


def baseline(messages, labels, train_idx, test_idx) -> dict:
    """The README's reference: word 1-2 + char_wb 3-5 TF-IDF on Subject + From + body,
    LinearSVC; no headers beyond From, no probabilities (so no coverage figure)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    def text(m) -> str:
        return f"{m.subject}\n{m.from_ or ''}\n{m.body[:20_000]}"

    docs = [text(m) for m in messages]
    model = make_pipeline(
        FeatureUnion([
            ("w", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                                  max_features=300_000)),
            ("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                  min_df=2, max_features=300_000)),
        ]),
        LinearSVC(),
    )
    y = np.array(labels, dtype=object)
    start = time.perf_counter()
    model.fit([docs[i] for i in train_idx], y[train_idx])
    fit_seconds = time.perf_counter() - start
    # speed "from parsed message": the text assembly is part of it
    start = time.perf_counter()
    predicted = model.predict([text(messages[i]) for i in test_idx])
    rate = len(test_idx) / (time.perf_counter() - start)
    metrics = label_metrics(list(y[test_idx]), list(predicted))
    return {"accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"],
            "fit_seconds": fit_seconds, "batch_per_second": rate}


def mailroute(messages, labels, train_idx, test_idx, groups, targets) -> dict:
    y = np.array(labels, dtype=object)
    start = time.perf_counter()
    trained = fit([messages[i] for i in train_idx], list(y[train_idx]), targets=targets,
                  groups=[groups[i] for i in train_idx])
    fit_seconds = time.perf_counter() - start
    model = Classifier(trained.pipeline, "bench")
    test = [messages[i] for i in test_idx]
    start = time.perf_counter()
    proba = model.probabilities(test)
    batch_rate = len(test) / (time.perf_counter() - start)
    best = proba.argmax(axis=1)
    predicted = [model.labels[i] for i in best]
    confidence = proba[np.arange(len(best)), best]
    metrics = label_metrics(list(y[test_idx]), predicted)
    coverage = {
        target_key(t): coverage_at_precision(list(y[test_idx]), predicted, confidence,
                                             trained.thresholds_by_target[target_key(t)])
        for t in targets
    }
    return {"accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"],
            "coverage_at_precision": coverage, "fit_seconds": fit_seconds,
            "batch_per_second": batch_rate, "per_label": metrics["per_label"]}


def speed(messages, labels) -> dict:
    """Training on the whole corpus (with the cross-validation for thresholds) and
    classification rates from parsed Message to label, batch and one at a time."""
    start = time.perf_counter()
    trained = fit(messages, labels)
    train_seconds = time.perf_counter() - start
    model = Classifier(trained.pipeline, "bench")
    start = time.perf_counter()
    model.classify_many(messages)
    batch = len(messages) / (time.perf_counter() - start)
    sample = messages[:1000]
    start = time.perf_counter()
    for msg in sample:
        model.classify(msg)
    single = len(sample) / (time.perf_counter() - start)
    return {"n": len(messages), "train_seconds": train_seconds, "batch_per_second": batch,
            "single_per_second": single}


def run(key: str, data: Path) -> dict:
    task = TASKS[key]
    messages, labels, dates, groups, parse_rate = load(task, data)
    if task.split == "time":
        train_idx, test_idx = time_split(dates, groups, 0.2)
        test_dates = sorted(dates[i] for i in test_idx if dates[i] is not None)
        split = (f"time-ordered 80/20, test {test_dates[0]:%Y-%m-%d} .. "
                 f"{test_dates[-1]:%Y-%m-%d}")
    else:
        train_idx, test_idx = grouped_folds(labels, groups, 5, seed=0)[0]
        split = "stratified 80/20 (first of 5 grouped folds)"
    y_test = [labels[i] for i in test_idx]
    majority = max(y_test.count(label) for label in set(y_test)) / len(y_test)
    result = {
        "task": task.name, "split": split, "n": len(labels), "n_train": len(train_idx),
        "n_test": len(test_idx), "duplicate_groups": len(labels) - len(set(groups)),
        "majority_share_test": majority, "parse_per_second": parse_rate,
        "baseline": baseline(messages, labels, train_idx, test_idx),
        "mailroute": mailroute(messages, labels, train_idx, test_idx, groups, task.targets),
    }
    if key == "spamassassin":
        result["speed"] = speed(messages, labels)
    return result


def show(result: dict) -> None:
    b, m = result["baseline"], result["mailroute"]
    print(f"\n== {result['task']}")
    print(f"   {result['split']}; {result['n_train']} train / {result['n_test']} test; "
          f"{result['duplicate_groups']} messages in duplicate groups; majority class "
          f"{result['majority_share_test']:.1%} of test; parse {result['parse_per_second']:.0f}"
          " msg/s")
    print(f"   {'':<26}{'accuracy':>10}{'macro-F1':>10}{'fit s':>8}{'batch msg/s':>13}")
    for name, r in (("baseline TF-IDF+LinearSVC", b), ("mailroute", m)):
        print(f"   {name:<26}{r['accuracy']:>10.3f}{r['macro_f1']:>10.3f}"
              f"{r['fit_seconds']:>8.1f}{r['batch_per_second']:>13.0f}")
    for target, point in m["coverage_at_precision"].items():
        precision = "n/a" if point["precision"] is None else f"{point['precision']:.3f}"
        print(f"   mailroute coverage at {target} precision: {point['coverage']:.1%} "
              f"(measured precision {precision}, {point['routed']} of {point['n']})")
    if "speed" in result:
        s = result["speed"]
        print(f"   speed on all {s['n']}: training {s['train_seconds']:.1f} s (incl. CV for "
              f"thresholds); classify {s['batch_per_second']:.0f} msg/s batch, "
              f"{s['single_per_second']:.0f} msg/s one at a time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--only", choices=sorted(TASKS))
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data}: data folder not found (pass --data)")
    results = {"machine": {"python": platform.python_version(), "cpus": _cpus()}}
    for key in [args.only] if args.only else list(TASKS):
        results[key] = run(key, args.data)
        show(results[key])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
