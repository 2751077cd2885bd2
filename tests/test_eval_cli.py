"""Labelled corpora in three layouts, and the `eval` and `train` commands on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.adapters.corpus import CorpusError, load_labelled
from mailroute.cli import main

from .classifier_fixtures import LABELS, write_corpus


def run(*args: str, config: Path | None = None):
    prefix = ["-c", str(config)] if config else ["-c", "/nonexistent/config.toml"]
    return CliRunner().invoke(main, [*prefix, *args], catch_exceptions=False)


@pytest.mark.parametrize("layout", ["folders", "maildir", "csv"])
def test_every_layout_loads_with_labels(tmp_path: Path, layout: str) -> None:
    root = write_corpus(tmp_path / "c", layout, per_label=3)
    kwargs = {"label_column": "category", "date_column": "sent"} if layout == "csv" else {}
    items = load_labelled(root, **kwargs)
    assert len(items) == 12
    labels = sorted({label for label, _ in items})
    expected = sorted(label.title() if layout == "maildir" else label for label in LABELS)
    assert labels == expected
    if layout == "csv":
        assert all(raw.received_at is not None for _, raw in items)
        assert items[0][1].received_at.year == 2026


def test_csv_errors_name_file_line_and_column(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", "csv", per_label=3)
    with pytest.raises(CorpusError, match=r"labels.csv: no column 'kind' \(--label-column\)"):
        load_labelled(root, label_column="kind")
    with pytest.raises(CorpusError, match=r"no column 'when' \(--date-column\)"):
        load_labelled(root, date_column="when")
    text = (root / "labels.csv").read_text()
    (root / "labels.csv").write_text(text.replace("messages/0001.eml", "messages/gone.eml"))
    with pytest.raises(CorpusError, match=r"labels.csv:3: message file not found"):
        load_labelled(root, label_column="category")
    # a forged date (real corpora have year 102) is a missing date, with a note
    (root / "labels.csv").write_text(text.replace("2026-01-05", "102-01-05", 1))
    notes: list[str] = []
    items = load_labelled(root, label_column="category", date_column="sent", warnings=notes)
    assert items[0][1].received_at is None and items[1][1].received_at is not None
    assert len(notes) == 1 and "labels.csv:2: sent '102-01-05" in notes[0]


def test_label_column_without_csv_is_refused(small_corpus: Path) -> None:
    with pytest.raises(CorpusError, match=r"need a labels\.csv"):
        load_labelled(small_corpus, label_column="category")


def test_eval_json_time_split_with_plots(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", "csv", per_label=12)
    plots = tmp_path / "plots"
    result = run("eval", str(root), "--label-column", "category", "--date-column", "sent",
                 "--format", "json", "--plots", str(plots), "--target", "0.9",
                 "--target", "0.99")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["split"] == "time"
    assert out["n_train"] + out["n_test"] == 48
    assert out["n_test"] == pytest.approx(48 * 0.2, abs=1)
    assert 0.0 <= out["accuracy"] <= 1.0 and 0.0 <= out["macro_f1"] <= 1.0
    assert set(out["per_label"]) == set(LABELS)
    assert set(out["coverage_at_precision"]) == {"0.9", "0.99"}
    for point in out["coverage_at_precision"].values():
        assert 0.0 <= point["coverage"] <= 1.0
        assert point["precision"] is None or 0.0 <= point["precision"] <= 1.0
    assert out["coverage_at_precision"]["0.99"]["coverage"] <= \
        out["coverage_at_precision"]["0.9"]["coverage"]
    for name in ("risk_coverage.png", "confusion_matrix.png"):
        assert (plots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_kfold_table(small_corpus: Path) -> None:
    result = run("eval", str(small_corpus), "--split", "kfold", "--folds", "3")
    assert result.exit_code == 0, result.output
    assert "stratified k-fold (requested): 32 training, 48 test messages (3 folds)" in \
        result.stdout
    assert "confusion matrix" in result.stdout and "risk–coverage" in result.stdout


def test_eval_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", "csv", per_label=3)
    result = run("eval", str(root), "--label-column", "kind")
    assert result.exit_code == 2
    assert "labels.csv: no column 'kind'" in result.stderr
    result = run("eval", str(root), "--label-column", "category", "--target", "1.5")
    assert result.exit_code == 2 and "--target 1.5" in result.stderr


def test_train_from_labels_csv_stores_thresholds(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", "csv", per_label=6)
    config = tmp_path / "config.toml"
    config.write_text("[classifier]\nmodels_dir = 'models'\ntarget_precision = 0.97\n")
    result = run("train", str(root), "--label-column", "category", "--date-column", "sent",
                 config=config)
    assert result.exit_code == 0, result.output
    version = (tmp_path / "models" / "current").read_text().strip()
    meta = json.loads((tmp_path / "models" / version / "metadata.json").read_text())
    assert meta["labels"] == sorted(LABELS)
    assert meta["corpus"] == {"source": str(root), "label_column": "category",
                              "date_column": "sent", "labels_file": None}
    assert meta["target_precision"] == 0.97
    assert set(meta["thresholds"]) == set(LABELS)
    assert {"0.95", "0.97", "0.99"} <= set(meta["thresholds_by_target"])
    assert "held-out accuracy" in result.stdout and "cross-validated" in result.stdout
