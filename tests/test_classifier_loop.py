"""The learning loop: corrections recorded, measured as a metric, used by retrain; targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.adapters.corrections import accuracy_from_corrections
from mailroute.adapters.model_files import current_version, read_metadata, thresholds_for
from mailroute.adapters.sources.maildir import deliver
from mailroute.cli import main
from mailroute.commands.quality import _verdict
from mailroute.daemon import process_available

from .classifier_fixtures import write_corpus
from .conftest import make_mail

MAILS = [
    make_mail(subject="Factuur 2026-0413 drukwerk",
              body="Hierbij de factuur voor het drukwerk. Graag betalen binnen 30 dagen op "
                   "IBAN NL91ABNA0417164300.", message_id="<inv-1@test.example>"),
    make_mail(subject="Sollicitatie medewerker klantenservice", sender="Eva <eva@gmail.com>",
              body="Met veel interesse las ik uw vacature. Mijn cv en motivatiebrief zijn "
                   "bijgevoegd.", message_id="<job-1@test.example>"),
    make_mail(subject="Schademelding aanrijding", sender="Piet <piet@outlook.com>",
              body="Ik wil schade melden aan mijn auto na een aanrijding gisteren. Het "
                   "schadeformulier is bijgevoegd.", message_id="<claim-1@test.example>"),
]


def cli(project: Path, *args: str):
    return CliRunner().invoke(main, ["-c", str(project / "config.toml"), *args],
                              catch_exceptions=False)


@pytest.fixture
def routed(make_app):
    """An app whose store holds the three messages above, processed by the pipeline."""
    app = make_app()
    for raw in MAILS:
        deliver(app.config.mailboxes[0].path, raw)
    assert process_available(app) == len(MAILS)
    return app


def test_correct_records_who_what_and_the_prediction(routed, project: Path) -> None:
    row = next(r for r in routed.store.decisions(limit=None) if r["message_id"] ==
               "<inv-1@test.example>")
    result = cli(project, "correct", str(row["id"]), "complaint", "--who", "marieke")
    assert result.exit_code == 0, result.output
    assert f"{row['label'] or '-'} → complaint by marieke" in " ".join(result.stdout.split())
    # by Message-ID too, without the angle brackets
    assert cli(project, "correct", "job-1@test.example", "general_question").exit_code == 0
    rows = list(routed.store.db.query("SELECT * FROM corrections ORDER BY id"))
    first = rows[0]
    assert (first["message"], first["predicted"], first["corrected"], first["source"]) == \
        (row["id"], row["label"], "complaint", "cli")
    assert rows[0]["who"] == "marieke" and rows[0]["created_at"]
    assert rows[1]["corrected"] == "general_question"


def test_correct_unknown_message_is_a_clear_error(routed, project: Path) -> None:
    result = cli(project, "correct", "99999", "invoice")
    assert result.exit_code == 2
    assert "no message '99999'" in result.stderr


def test_accuracy_from_corrections_metric(routed, project: Path) -> None:
    done = [r for r in routed.store.decisions(limit=None) if r["status"] == "done"]
    assert done, "the sample model should route at least one of these alone"
    victim = done[0]
    assert cli(project, "correct", str(victim["id"]), "complaint").exit_code == 0
    figures = accuracy_from_corrections(routed.store)
    label = victim["label"]
    routed_n = sum(1 for r in done if r["label"] == label)
    assert figures[label]["routed"] == routed_n
    assert figures[label]["accuracy"] == pytest.approx(1 - 1 / routed_n)
    value = routed.registry.get_sample_value(
        "mailroute_classifier_correction_accuracy_ratio", {"label": label})
    assert value == pytest.approx(1 - 1 / routed_n)
    assert routed.registry.get_sample_value(
        "mailroute_classifier_auto_routed_messages", {"label": label}) == routed_n


def test_retrain_promotes_or_keeps_and_reports_both(routed, project: Path,
                                                     tmp_path: Path) -> None:
    row = next(r for r in routed.store.decisions(limit=None) if r["message_id"] ==
               "<claim-1@test.example>")
    assert cli(project, "correct", str(row["id"]), "claim").exit_code == 0
    corpus = write_corpus(tmp_path / "corpus", "folders", per_label=8)
    models = project / "models"
    before = current_version(models)

    # demanding an impossible improvement: the model in use is kept
    kept = cli(project, "retrain", "--corpus", str(corpus), "--tolerance", "-1", "--format",
               "json")
    assert kept.exit_code == 0, kept.output
    summary = json.loads(kept.stdout)
    assert summary["promote"] is False and "worse" in summary["reason"]
    assert summary["corrections"] == 1 and summary["corpus"] == 32
    assert summary["old"]["version"] == before
    for side in ("old", "candidate"):
        assert 0.0 <= summary[side]["accuracy"] <= 1.0
        assert 0.0 <= summary[side]["macro_f1"] <= 1.0
    assert current_version(models) == before

    # any candidate is "not worse" with a tolerance of 1: promoted, with both sides recorded
    promoted = cli(project, "retrain", "--corpus", str(corpus), "--tolerance", "1")
    assert promoted.exit_code == 0, promoted.output
    after = current_version(models)
    assert after != before
    meta = read_metadata(models, after)
    assert meta["retrain"]["old"]["version"] == before
    assert meta["retrain"]["corrections"] == 1
    assert meta["n_train"] == 33  # corpus + the corrected message
    text = " ".join(promoted.stdout.split())
    assert f"promoted {after}" in text and f"mailroute models use {before}" in text

    # rollback is one command
    assert cli(project, "models", "use", before).exit_code == 0
    assert current_version(models) == before


def test_verdict_is_not_worse_on_both_figures() -> None:
    old = {"accuracy": 0.9, "macro_f1": 0.8}
    assert _verdict(old, {"accuracy": 0.9, "macro_f1": 0.8}, 0.0)[0] is True
    assert _verdict(old, {"accuracy": 0.95, "macro_f1": 0.79}, 0.0) == \
        (False, "candidate is worse on macro_f1")
    assert _verdict(old, {"accuracy": 0.95, "macro_f1": 0.79}, 0.02)[0] is True


def test_configured_target_precision_sets_the_policy(make_app, project: Path) -> None:
    config = project / "config.toml"
    text = config.read_text()
    assert "target_precision = 0.95" in text  # the shipped config asks for 0.95
    config.write_text(text.replace("[classifier]\n",
                                   "[classifier]\nlabel_target_precision = { invoice = 0.99 }\n",
                                   1))
    app = make_app()
    meta = app.model.metadata
    expected = thresholds_for(meta, 0.95, {"invoice": 0.99})
    assert dict(app.pipeline.policy.label_thresholds) == expected
    assert expected["invoice"] == meta["thresholds_by_target"]["0.99"]["invoice"]
    assert set(expected) == set(meta["labels"])
