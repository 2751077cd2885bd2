"""The form view (empty mail, bare forward, file references only) and the per-label decision
offsets chosen out-of-fold and built into the Platt intercepts."""

from __future__ import annotations

from collections import Counter

import numpy as np

from mailroute.core.classify import Classifier, fit, to_matrix
from mailroute.core.features import document, views
from mailroute.core.message import RawMail
from mailroute.core.parse import parse
from mailroute.core.priors import choose_label_offsets, search_offsets, shift_priors
from tests.conftest import make_mail

from .classifier_fixtures import skewed_training

LOTUS = ("---------------------- Forwarded by Jan Smit/NL/Acme on 03-11-2026 10:12 "
         "---------------------------\n\n"
         "From: Petra de Vries 03-11-2026 09:40\nTo: Jan Smit/NL/Acme@Acme\ncc:\n"
         "Subject: Conceptrapport\n\n")


def _parsed(raw: bytes):
    return parse(RawMail("t", "INBOX", "1", raw))


def _shape(raw: bytes) -> set[str]:
    return set(views(_parsed(raw))[3].split())


def test_empty_forward_with_only_a_file_reference() -> None:
    tokens = _shape(make_mail(subject="FW: Conceptrapport", body=LOTUS + "<<rapport v2.doc>>\n"))
    assert {"sbareforward", "sfwdlen_le0", "sfileref", "sonlyrefs", "sforward",
            "smine_le0", "slines_le0", "snohistory", "sbareforward_refs"} <= tokens


def test_forward_with_text_and_a_written_mail_differ_in_form() -> None:
    text = "Kunt u de cijfers in hoofdstuk drie nog eens nalopen voor vrijdag? " * 4
    forwarded = _shape(make_mail(subject="Conceptrapport", body=LOTUS + text))
    assert "sbareforward" in forwarded and "sfwdlen_le1000" in forwarded
    assert "sonlyrefs" not in forwarded and "snosubject" not in forwarded
    written = _shape(make_mail(subject="Re: Conceptrapport", body=text + "\n\n" + text))
    assert not {t for t in written if t.startswith(("sbareforward", "sfwdlen", "sfileref"))}
    assert {"sreply", "smine_le1000", "slines_le3"} <= written
    empty = _shape(make_mail(subject="", body="test"))
    assert {"snosubject", "smine_le10", "slines_le1"} <= empty


def test_document_is_the_first_three_views() -> None:
    msg = _parsed(make_mail(subject="FW: x", body=LOTUS + "<<a.doc>>"))
    assert document(msg) == views(msg)[:3]
    assert not [t for t in views(msg)[1].split() if t.startswith("s")]  # form view apart


def test_offset_search_boosts_an_under_predicted_label() -> None:
    rng = np.random.default_rng(0)
    codes = np.repeat([0, 1, 2], [200, 100, 20])
    # exponents: lower is more probable; label 2's column is 1.5 too high everywhere
    z = rng.normal(0.0, 0.1, (len(codes), 3)) + 1.0
    z[np.arange(len(codes)), codes] -= 1.2
    z[:, 2] += 1.5
    assert not (np.argmin(z, axis=1) == 2).any()
    offsets = search_offsets(z, codes, penalty=0.01, max_accuracy_drop=0.01)
    assert offsets[2] >= 0.5
    assert (np.argmin(z - offsets, axis=1)[codes == 2] == 2).mean() > 0.5
    # a well-ranked matrix needs no offsets
    clean = z.copy()
    clean[:, 2] -= 1.5
    assert not search_offsets(clean, codes, penalty=0.01, max_accuracy_drop=0.01).any()




def test_offsets_are_recorded_and_the_fast_path_agrees_with_them() -> None:
    messages, labels = skewed_training()
    trained = fit(messages, labels)
    extra = trained.report.extra
    assert set(extra["label_offsets_cv"]["nested"]) == {"none", "0", "0.01", "0.02"}
    assert set(extra["label_offsets"]) <= set(labels)
    pipeline = trained.pipeline
    model = pipeline.steps[-1][1]
    X = pipeline.steps[0][1].transform(to_matrix(messages))
    plain = model.predict_proba(X)
    rare = list(model.classes_).index("job_application")
    # an offset of +1 on one label raises its probability; the fast scorer follows the
    # intercepts, so a saved model needs nothing else
    old = shift_priors(model, Counter(labels), 0.0, {"job_application": 1.0})
    boosted = model.predict_proba(X)
    assert (boosted[:, rare] > plain[:, rare]).all()
    assert np.allclose(Classifier(pipeline, "t").probabilities(messages), boosted, atol=1e-6)
    for c, b in zip(model.calibrated_classifiers_[0].calibrators, old, strict=True):
        c.b_ = b
    assert np.allclose(model.predict_proba(X), plain)


def test_no_offsets_when_the_nested_check_finds_no_gain() -> None:
    messages, labels = skewed_training()
    trained = fit(messages, labels)
    pipeline = trained.pipeline
    X = pipeline.steps[0][1].transform(to_matrix(messages))
    y = np.array(labels, dtype=object)
    # a "fold model" that is the final model itself predicts its own training data right:
    # nothing to gain, so no offsets and the predictions stay as they are
    idx = np.arange(len(y))
    folds = [(pipeline.steps[-1][1], Counter(labels), part) for part in np.array_split(idx, 3)]
    offsets, figures, found = choose_label_offsets(X, y, folds, 0.0, 1.0)
    assert offsets == {} and figures["penalty"] is None
    assert found is not None and list(found[0]) == labels
