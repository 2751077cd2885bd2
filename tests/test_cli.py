"""The command line: train, classify, rules test, audit, replay; every command has help and docs."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mailroute.adapters.model_files import load_model
from mailroute.adapters.sources.maildir import deliver
from mailroute.cli import main
from mailroute.daemon import process_available

from .conftest import REPO, SAMPLES, make_mail
from .test_pipeline import INVOICE


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        path = f"{prefix} {name}".strip()
        out.append((path, cmd))
        if isinstance(cmd, click.Group):
            out.extend(commands(cmd, path))
    return out


ALL = commands(main)
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [REPO / "README.md",
                                                          *sorted((REPO / "docs").glob("*.md"))])


@pytest.mark.parametrize(("path", "cmd"), ALL, ids=[p for p, _ in ALL])
def test_every_command_has_help_and_docs(path: str, cmd: click.Command):
    result = CliRunner().invoke(main, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert cmd.help, f"mailroute {path} has no help text"
    assert f"mailroute {path}" in DOCS, f"mailroute {path} is not documented in README/docs"


def run(project: Path, *args: str):
    return CliRunner().invoke(main, ["-c", str(project / "config.toml"), *args])


def test_train_saves_a_safe_model_with_metadata(tmp_path: Path, project: Path):
    out = tmp_path / "m"
    result = run(project, "train", str(SAMPLES / "corpus"), "--models", str(out))
    assert result.exit_code == 0, result.output
    assert "held-out accuracy" in result.output
    (version_dir,) = [p for p in out.iterdir() if p.is_dir()]
    meta = json.loads((version_dir / "metadata.json").read_text())
    assert set(meta["labels"]) == {"invoice", "claim", "policy_change", "job_application",
                                   "complaint", "general_question"}
    assert meta["n_total"] >= 300 and len(meta["data_hash"]) == 64
    assert meta["metrics"]["accuracy"] >= 0.8
    assert {"scikit-learn", "skops", "numpy"} <= set(meta["versions"])
    assert (out / "current").read_text().strip() == version_dir.name
    model, _ = load_model(out)
    assert model.classify_many([]) == []
    again = run(project, "train", str(SAMPLES / "corpus"), "--models", str(out), "--if-missing")
    assert "already in" in again.output


def test_model_round_trip_predicts_the_same(models_dir: Path, tmp_path: Path):
    from mailroute.core.message import RawMail
    from mailroute.core.parse import parse

    model, _ = load_model(models_dir)
    paths = sorted((SAMPLES / "corpus").rglob("*.eml"))[::40]
    msgs = [parse(RawMail("t", "INBOX", p.name, p.read_bytes())) for p in paths]
    first = model.classify_many(msgs)
    again, _ = load_model(models_dir)
    assert again.classify_many(msgs) == first
    assert [model.classify(m) for m in msgs] == first


def test_tampered_model_is_refused(models_dir: Path, tmp_path: Path):
    import shutil

    from mailroute.errors import ModelError

    copy = tmp_path / "models"
    shutil.copytree(models_dir, copy)
    version = (copy / "current").read_text().strip()
    with open(copy / version / "model.skops", "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ModelError, match="does not match the hash"):
        load_model(copy)


def test_model_from_another_feature_layout_is_refused(models_dir: Path, tmp_path: Path):
    import shutil

    from mailroute.core.features import FEATURES_VERSION
    from mailroute.errors import ModelError

    copy = tmp_path / "models"
    shutil.copytree(models_dir, copy)
    version = (copy / "current").read_text().strip()
    meta_path = copy / version / "metadata.json"
    meta = json.loads(meta_path.read_text())
    assert meta["features_version"] == FEATURES_VERSION
    meta["features_version"] = "0"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"trained on features version 0.*train it again"):
        load_model(copy)


def test_classify_prints_label_confidence_alternatives(project: Path, tmp_path: Path):
    eml = tmp_path / "invoice.eml"
    eml.write_bytes(make_mail(**INVOICE))
    result = run(project, "classify", str(eml), "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["label"] == "invoice" and row["confidence"] > 0.5
    assert len(row["alternatives"]) == 2
    table = run(project, "classify", str(eml))
    assert "invoice" in table.output


def test_rules_test_explains_without_acting(project: Path, tmp_path: Path):
    eml = tmp_path / "invoice.eml"
    eml.write_bytes(make_mail(**INVOICE))
    result = run(project, "rules", "test", str(eml))
    assert result.exit_code == 0, result.output
    assert "classification: invoice" in result.output
    assert "✓ match invoice" in result.output
    assert "would move Finance/Invoices" in result.output
    assert not (project / "var" / "mailroute.db").exists()


def test_audit_and_replay(make_app, project: Path):
    app = make_app()
    root = app.config.mailboxes[0].path
    deliver(root, make_mail(**INVOICE))
    deliver(root, make_mail(subject="Vraag over openingstijden",
                            body="Hoe laat zijn jullie open op zaterdag? Groet, Anna"))
    process_available(app)
    app.close()

    listed = run(project, "audit", "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert len(rows) == 2 and {r["status"] for r in rows} <= {"done", "exception"}
    only = json.loads(run(project, "audit", "--label", "invoice", "--format", "json").output)
    assert [r["label"] for r in only] == ["invoice"]
    assert "Finance/Invoices" in run(project, "audit").output

    same = run(project, "replay")
    assert same.exit_code == 0, same.output
    assert "0 message(s) would now be handled differently" in same.output
    (project / "rules" / "10-finance.toml").write_text(
        '[[rule]]\nname="invoice"\nwhen={ category="invoice" }\nactions=[{ move="Boekhouding" }]\n')
    changed = run(project, "replay")
    assert "1 message(s) would now be handled differently" in changed.output
    assert "move Boekhouding" in changed.output


def test_seed_fills_the_maildir(project: Path):
    result = run(project, "seed", str(SAMPLES / "odd"), "--limit", "3")
    assert result.exit_code == 0, result.output
    assert len(list((project / "var" / "maildir" / "new").iterdir())) == 3


def test_models_list_and_use(project: Path):
    listed = run(project, "models", "list")
    assert listed.exit_code == 0 and "*" in listed.output
    bad = run(project, "models", "use", "nope")
    assert bad.exit_code == 2 and "no model version 'nope'" in bad.output


def test_mail_text_is_never_read_as_markup(make_app, project: Path):
    app = make_app()
    deliver(app.config.mailboxes[0].path,
            make_mail(subject="Factuur [/] [bold]2026[/bold] [red]", body=INVOICE["body"]))
    process_available(app)
    app.close()
    result = run(project, "audit")
    assert result.exit_code == 0, result.output
    assert "Factuur [/] [bold]2026[/bold]" in result.output
