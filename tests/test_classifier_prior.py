"""Rare labels: the prior weight chosen out-of-fold, built into the model's Platt intercepts."""

from __future__ import annotations

from collections import Counter

import numpy as np

from mailroute.core.classify import Classifier, fit, to_matrix
from mailroute.core.priors import PRIOR_WEIGHTS, shift_priors

from .classifier_fixtures import skewed_training


def test_prior_weight_is_chosen_recorded_and_consistent() -> None:
    messages, labels = skewed_training()
    trained = fit(messages, labels)
    extra = trained.report.extra
    assert extra["prior_weight"] in PRIOR_WEIGHTS
    assert set(extra["prior_weight_cv"]) == {f"{w:g}" for w in PRIOR_WEIGHTS}
    # the saved model (fast path) and sklearn's pipeline agree after the intercept shift
    model = Classifier(trained.pipeline, "t")
    assert np.allclose(model.probabilities(messages),
                       trained.pipeline.predict_proba(to_matrix(messages)), atol=1e-6)


def test_shifting_priors_favours_rare_labels_and_undoes() -> None:
    messages, labels = skewed_training()
    pipeline = fit(messages, labels).pipeline
    model = pipeline.steps[-1][1]
    X = pipeline.steps[0][1].transform(to_matrix(messages))
    counts = Counter(labels)
    base = shift_priors(model, counts, 0.0)  # weight 0: the intercepts as they are
    plain = model.predict_proba(X)
    old = shift_priors(model, counts, 1.0)
    shifted = model.predict_proba(X)
    rare = list(model.classes_).index("job_application")
    assert shifted[:, rare].mean() > plain[:, rare].mean()
    for c, b in zip(model.calibrated_classifiers_[0].calibrators, old, strict=True):
        c.b_ = b
    assert np.allclose(model.predict_proba(X), plain)
    assert old == base
