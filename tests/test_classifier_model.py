"""The trained model: calibrated probabilities, stored thresholds, the fast path, model files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mailroute.adapters.model_files import load_model, save_model, thresholds_for
from mailroute.core.classify import Classifier, fit, to_matrix, train


@pytest.fixture(scope="module")
def trained(small_training):
    messages, labels = small_training
    return fit(messages, labels, targets=(0.9, 0.95, 0.99))


def test_fit_reports_out_of_fold_figures_and_thresholds(trained, small_training) -> None:
    _, labels = small_training
    report = trained.report
    assert report.n_train == len(labels)
    assert report.n_test == len(labels)  # every message predicted once out-of-fold
    assert report.labels == tuple(sorted(set(labels)))
    assert 0.6 <= report.accuracy <= 1.0
    assert set(trained.thresholds_by_target) == {"0.9", "0.95", "0.99"}
    for table in trained.thresholds_by_target.values():
        assert set(table) == set(labels)
        assert all(0.0 < t <= 1.0 for t in table.values())
    # a stricter target never routes more
    for label in labels:
        assert (trained.thresholds_by_target["0.99"][label]
                >= trained.thresholds_by_target["0.9"][label])


def test_probabilities_are_a_distribution(trained, small_training) -> None:
    messages, _ = small_training
    proba = Classifier(trained.pipeline, "v").probabilities(messages[:10])
    assert proba.shape == (10, 4)
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_fast_path_equals_the_sklearn_pipeline(trained, small_training) -> None:
    messages, _ = small_training
    model = Classifier(trained.pipeline, "v")
    assert model._fast is not None
    fast = model.probabilities(messages)
    slow = trained.pipeline.predict_proba(to_matrix(messages))
    assert np.allclose(fast, slow, atol=1e-6)
    one = model.classify(messages[0])
    assert one.confidence == pytest.approx(slow[0].max(), abs=1e-6)
    assert one.label == model.labels[int(slow[0].argmax())]
    # alone or in a batch: exactly the same numbers
    assert [model.classify(m) for m in messages[:8]] == model.classify_many(messages[:8])


def test_fast_path_applies_the_header_view_weight(trained, small_training) -> None:
    """A model trained with a heavier header view scores the same on both paths."""
    import copy

    messages, _ = small_training
    pipeline = copy.deepcopy(trained.pipeline)
    pipeline.named_steps["features"].transformer_weights = {"meta": 1.5}
    model = Classifier(pipeline, "v")
    assert model._fast is not None
    slow = pipeline.predict_proba(to_matrix(messages))
    assert np.allclose(model.probabilities(messages), slow, atol=1e-6)
    plain = Classifier(trained.pipeline, "v").probabilities(messages)
    assert not np.allclose(plain, slow, atol=1e-6)  # the weight does change the scores


def test_fast_path_binary_model(small_training) -> None:
    messages, labels = small_training
    keep = [i for i, label in enumerate(labels) if label in ("invoice", "claim")]
    pipeline, _ = train([messages[i] for i in keep], [labels[i] for i in keep])
    model = Classifier(pipeline, "v")
    assert model._fast is not None
    docs = [messages[i] for i in keep]
    assert np.allclose(model.probabilities(docs), pipeline.predict_proba(to_matrix(docs)),
                       atol=1e-6)


def test_too_few_messages_per_label_is_a_clear_error(small_training) -> None:
    messages, labels = small_training
    with pytest.raises(ValueError, match=r"at least 3 messages; too few: claim \(2\)"):
        train(messages[15:17] + messages[:15], labels[15:17] + labels[:15])


def test_saved_model_keeps_thresholds_and_loads(tmp_path: Path, small_training) -> None:
    messages, labels = small_training
    pipeline, report = train(messages, labels, target_precision=0.97)
    target = save_model(pipeline, report, tmp_path, dataset_hash="ab" * 32, source="test")
    meta = json.loads((target / "metadata.json").read_text())
    assert meta["target_precision"] == 0.97
    assert set(meta["thresholds"]) == set(labels)
    assert meta["thresholds"] == meta["thresholds_by_target"]["0.97"]
    assert "thresholds" not in meta["metrics"]
    assert meta["n_total"] == len(labels)
    model, loaded = load_model(tmp_path)
    assert loaded["thresholds"] == meta["thresholds"]
    assert model.classify(messages[0]).label in labels


def test_thresholds_for_a_configured_target() -> None:
    meta = {
        "labels": ["a", "b"],
        "thresholds": {"a": 0.5, "b": 0.6},
        "thresholds_by_target": {"0.9": {"a": 0.3, "b": 0.4}, "0.99": {"a": 0.8}},
    }
    assert thresholds_for(meta, None) == {"a": 0.5, "b": 0.6}  # as saved
    assert thresholds_for(meta, 0.9) == {"a": 0.3, "b": 0.4}
    # 0.95 is not stored: the strictest stored target above it (0.99) is used;
    # b never reached 0.99 in cross-validation, so it is never routed alone
    assert thresholds_for(meta, 0.95) == {"a": 0.8, "b": 1.0}
    assert thresholds_for(meta, 0.995) == {"a": 1.0, "b": 1.0}
    assert thresholds_for(meta, 0.9, {"b": 0.99}) == {"a": 0.3, "b": 1.0}
