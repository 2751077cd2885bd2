"""Classifier quality commands: ``eval``, ``correct`` and ``retrain`` (plus the body of ``train``).

Progress bars and tables go to stderr/stdout through rich; ``--format json`` prints only JSON
on stdout, so it can be piped.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import MailrouteError

console = Console()
err_console = Console(stderr=True)

TARGETS = (0.95, 0.98, 0.99)
LABEL_COLUMN_HELP = "labels.csv column holding the label (default: label)."
DATE_COLUMN_HELP = "labels.csv column holding the date used for time-ordered splits."


def _fail(exc: Exception) -> None:
    # soft_wrap: the message (file, line, column) stays on one line for grep and logs
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    sys.exit(2)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A ``progress(step, done, total)`` callback drawing one bar on stderr."""
    if not enabled:
        yield lambda _s, _d, _t: None
        return
    columns = (TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield update


def read_corpus(
    src: Path, *, label_column: str | None = None, date_column: str | None = None,
    labels_file: Path | None = None, show_progress: bool = True,
) -> tuple[list, list, list[str], list[datetime | None]]:
    """Load and parse a labelled corpus: (items, messages, labels, dates).

    Dates come from the CSV's date column when given, else from each message's Date header.
    """
    from ..adapters.corpus import count_labelled, load_labelled
    from ..core.parse import parse

    total = count_labelled(src, labels_file)
    warnings: list[str] = []
    with progress_bar(show_progress) as step:
        items = load_labelled(src, label_column=label_column, date_column=date_column,
                              labels_file=labels_file, warnings=warnings,
                              progress=lambda n: step("reading", n, total) if n % 200 == 0
                              else None)
        messages = []
        for i, (_, raw) in enumerate(items):
            messages.append(parse(raw))
            if i % 100 == 0:
                step("parsing", i, len(items))
    if warnings:
        err_console.print(f"[yellow]note:[/] {len(warnings)} date(s) unusable; first: "
                          f"{warnings[0]}", highlight=False, soft_wrap=True)
    labels = [label for label, _ in items]
    dates = ([raw.received_at for _, raw in items] if date_column
             else [msg.date for msg in messages])
    return items, messages, labels, dates


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _json_ready(result: dict[str, Any], with_curve: bool = False) -> dict[str, Any]:
    out = {k: v for k, v in result.items() if k != "risk_coverage" or with_curve}
    return out


def print_eval(result: dict[str, Any]) -> None:
    """The readable form of an evaluation result."""
    console.print(
        f"[bold]{result['split_detail']}[/]: {result['n_train']} training, "
        f"{result['n_test']} test messages"
        + (f" ({result['n_folds']} folds)" if result["n_folds"] > 1 else "")
        + (f"; test period {result['test_period'][0][:10]} .. {result['test_period'][1][:10]}"
           if result.get("test_period") else ""),
        highlight=False, soft_wrap=True,
    )
    console.print(f"accuracy [bold]{result['accuracy']:.3f}[/]   "
                  f"macro-F1 [bold]{result['macro_f1']:.3f}[/]")
    if result.get("untrained_labels"):
        console.print(f"[yellow]too rare on the training side to learn:[/] "
                      f"{', '.join(result['untrained_labels'])}", highlight=False)
    table = Table(title="per label")
    for col in ("label", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for label, m in result["per_label"].items():
        table.add_row(label, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}",
                      str(m["support"]))
    console.print(table)
    cov = Table(title="risk–coverage (thresholds from cross-validation on training data)")
    for col in ("target precision", "coverage", "measured precision", "routed alone"):
        cov.add_column(col, justify="right")
    for target, point in result["coverage_at_precision"].items():
        cov.add_row(target, _pct(point["coverage"]), _pct(point["precision"]),
                    f"{point['routed']} of {point['n']}")
    console.print(cov)
    labels = result["labels"]
    short = [label[:10] for label in labels]
    confusion = Table(title="confusion matrix (rows: true, columns: predicted)")
    confusion.add_column("")
    for name in short:
        confusion.add_column(name, justify="right")
    for label, row in zip(labels, result["confusion"], strict=True):
        confusion.add_row(label, *[str(v) if v else "." for v in row])
    console.print(confusion)


# -- eval ------------------------------------------------------------------------------------

@click.command("eval")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--label-column", help=LABEL_COLUMN_HELP)
@click.option("--date-column", help=DATE_COLUMN_HELP)
@click.option("--labels-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A labels CSV elsewhere than SRC/labels.csv (paths relative to it).")
@click.option("--split", type=click.Choice(["auto", "time", "kfold"]), default="auto",
              show_default=True, help="auto: time-ordered when dates exist, else k-fold.")
@click.option("--folds", default=5, show_default=True, help="Folds for the k-fold split.")
@click.option("--test-size", default=0.2, show_default=True,
              help="Newest share tested in a time-ordered split.")
@click.option("--target", "targets", type=float, multiple=True,
              help="Precision target for risk–coverage (repeatable; default 0.95 0.98 0.99).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--plots", "plots_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write risk_coverage.png and confusion_matrix.png here.")
@click.option("--seed", default=0, show_default=True)
def eval_command(src: Path, label_column: str | None, date_column: str | None,
                 labels_file: Path | None, split: str, folds: int, test_size: float,
                 targets: tuple[float, ...], fmt: str, plots_dir: Path | None,
                 seed: int) -> None:
    """Measure the classifier on a labelled corpus SRC without flattering it.

    SRC is a folder per label of .eml files, a Maildir++ tree, or a folder with labels.csv.
    Duplicates stay on one side of every split; thresholds for each precision target are
    chosen by cross-validation on the training side only, then measured on the test side.
    """
    from ..core.experiment import evaluate

    for target in targets:
        if not 0.5 < target < 1.0:
            _fail(MailrouteError(f"--target {target}: must be above 0.5 and below 1"))
    if not 0.05 <= test_size <= 0.5:
        _fail(MailrouteError(f"--test-size {test_size}: must be between 0.05 and 0.5"))
    try:
        _, messages, labels, dates = read_corpus(src, label_column=label_column,
                                                 date_column=date_column,
                                                 labels_file=labels_file)
    except MailrouteError as exc:
        _fail(exc)
    try:
        with progress_bar() as step:
            result = evaluate(messages, labels, dates, split=split, folds=folds,
                              test_size=test_size, targets=targets or TARGETS, seed=seed,
                              progress=step)
    except ValueError as exc:
        _fail(MailrouteError(f"{src}: {exc}"))
    if plots_dir:
        from .quality_plots import write_plots

        written = write_plots(result, plots_dir)
        err_console.print(f"plots: {', '.join(str(p) for p in written)}", highlight=False)
    if fmt == "json":
        click.echo(json.dumps(_json_ready(result), indent=2))
    else:
        print_eval(result)


# -- train (the body of cli.train) -----------------------------------------------------------

def read_imap_corpus(config: Any, mailbox: str, folders: str) -> tuple[list, list, list[str]]:
    """Items, parsed messages and labels from the folders of a configured IMAP mailbox."""
    from ..adapters.imap_corpus import load_from_imap
    from ..config.imap import ImapMailbox
    from ..core.parse import parse

    try:
        cfg = config.mailbox(mailbox)
    except KeyError:
        raise MailrouteError(f"no mailbox named {mailbox!r} in the config") from None
    if not isinstance(cfg, ImapMailbox):
        raise MailrouteError(f"mailbox {mailbox}: --from-imap needs an imap mailbox, "
                             f"not {cfg.type!r}")
    patterns = [p.strip() for p in folders.split(",") if p.strip()]
    if not patterns:
        raise MailrouteError("--folders: give folder patterns, e.g. 'Finance/*,HR/*'")
    with progress_bar() as step:
        items = load_from_imap(cfg, patterns, progress=step)
        messages = []
        for i, (_, raw) in enumerate(items):
            messages.append(parse(raw))
            if i % 100 == 0:
                step("parsing", i, len(items))
    return items, messages, [label for label, _ in items]


def run_train(
    config: Any, src: Path | None, models_dir: Path, *, activate: bool,
    label_column: str | None, date_column: str | None, labels_file: Path | None = None,
    imap: tuple[str, str] | None = None,
) -> None:
    """Train from SRC (or IMAP folders), store thresholds for the config's precision target,
    save the model."""
    from ..adapters.model_files import data_hash, save_model
    from ..core.classify import train as train_model

    target = config.classifier.target_precision if config else None
    try:
        if imap:
            items, messages, labels = read_imap_corpus(config, *imap)
            source = f"imap:{imap[0]}:{imap[1]}"
        elif src is not None:
            items, messages, labels, _ = read_corpus(src, label_column=label_column,
                                                     date_column=date_column,
                                                     labels_file=labels_file)
            source = str(src)
        else:
            raise MailrouteError("give a corpus folder SRC or --from-imap MAILBOX --folders ...")
        with progress_bar() as step:
            pipeline, report = train_model(messages, labels, target_precision=target,
                                           progress=step)
    except ValueError as exc:
        _fail(MailrouteError(f"{src}: {exc}"))
    except MailrouteError as exc:
        _fail(exc)
    models_dir.mkdir(parents=True, exist_ok=True)
    corpus = {"source": source, "label_column": label_column, "date_column": date_column,
              "labels_file": str(labels_file) if labels_file else None}
    target_dir = save_model(
        pipeline, report, models_dir, make_current=activate,
        dataset_hash=data_hash([(label, raw.data) for label, raw in items]), source=source,
        extra={"corpus": corpus},
    )
    table = Table(title=f"model {target_dir.name}")
    table.add_column("label")
    table.add_column("messages", justify="right")
    for label, n in sorted(Counter(labels).items()):
        table.add_row(label, str(n))
    console.print(table)
    coverage = report.extra.get("cv_coverage_at_precision", {})
    console.print(
        f"held-out accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f} "
        f"(cross-validated: each of {report.n_test} messages predicted by a model that did "
        f"not see it); "
        + ", ".join(f"coverage at {t} precision {_pct(c['coverage'])}"
                    for t, c in coverage.items() if t in ("0.95", "0.99"))
        + f"; saved to {target_dir}",
        highlight=False,
    )


# -- correct ---------------------------------------------------------------------------------

@click.command("correct")
@click.argument("message")
@click.argument("label")
@click.option("--who", default=lambda: os.environ.get("USER", "unknown"),
              show_default="$USER", help="Who made the correction (kept in the audit trail).")
@click.option("--source", default="cli", show_default=True, help="Where it came from.")
@click.pass_context
def correct_command(ctx: click.Context, message: str, label: str, who: str,
                    source: str) -> None:
    """Record that MESSAGE (an id from 'mailroute audit', or a Message-ID) belongs to LABEL.

    Corrections feed 'mailroute retrain' and the accuracy-from-corrections metric.
    """
    from ..adapters.corrections import find_message, record_correction
    from ..adapters.model_files import read_metadata
    from ..cli import _open_store

    config, store = _open_store(ctx)
    try:
        row = find_message(store, message)
        correction = record_correction(store, int(row["id"]), label, who=who, source=source)
    except MailrouteError as exc:
        _fail(exc)
    finally:
        store.close()
    known: list[str] = []
    if row.get("model_version"):
        try:
            known = read_metadata(config.classifier.models_dir, row["model_version"])["labels"]
        except MailrouteError:
            known = []
    if known and label not in known:
        err_console.print(f"[yellow]note:[/] {label!r} is not a label of model "
                          f"{row['model_version']}; retrain will add it", highlight=False)
    console.print(f"recorded: message {correction.message} "
                  f"({(row.get('subject') or '')[:60]!r}) {correction.predicted or '-'} → "
                  f"{correction.corrected} by {who}", highlight=False)


# -- retrain ---------------------------------------------------------------------------------

def _verdict(old: dict[str, Any], new: dict[str, Any], tolerance: float) -> tuple[bool, str]:
    worse = [name for name in ("accuracy", "macro_f1")
             if new[name] < old[name] - tolerance]
    if worse:
        return False, "candidate is worse on " + " and ".join(worse)
    return True, "candidate is not worse on accuracy and macro-F1"


@click.command("retrain")
@click.option("--corpus", "corpus", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Original labelled corpus (default: the one the current model was trained on).")
@click.option("--label-column", help=LABEL_COLUMN_HELP)
@click.option("--date-column", help=DATE_COLUMN_HELP)
@click.option("--test-size", default=0.2, show_default=True,
              help="Share of corpus + corrections held out to compare the two models.")
@click.option("--tolerance", default=0.0, show_default=True,
              help="How much lower accuracy/macro-F1 may be and still count as not worse.")
@click.option("--dry-run", is_flag=True, help="Compare only; save nothing.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--seed", default=0, show_default=True)
@click.pass_context
def retrain_command(ctx: click.Context, corpus: Path | None, label_column: str | None,
                    date_column: str | None, test_size: float, tolerance: float, dry_run: bool,
                    fmt: str, seed: int) -> None:
    """Train a candidate on the corpus plus human corrections; promote it only if not worse.

    Both the model in use and the candidate are measured on the same held-out messages
    (a stratified share of corpus + corrections, duplicates kept together). The model in use
    may have seen the corpus part of them, which favours it: promotion errs on the safe side.
    A promoted candidate is refitted on everything and becomes current; 'mailroute models
    use VERSION' rolls back.
    """
    from ..adapters.corrections import corrected_examples, latest_corrections
    from ..adapters.model_files import data_hash, load_model, save_model, thresholds_for
    from ..adapters.store import Store
    from ..cli import _config
    from ..core.classify import TARGETS as STORED_TARGETS
    from ..core.classify import Classifier, fit, target_key
    from ..core.classify import train as train_model
    from ..core.evaluate import duplicate_groups, grouped_folds
    from ..core.experiment import predict, score

    config = _config(ctx)
    models_dir = config.classifier.models_dir
    target = config.classifier.target_precision or 0.95
    try:
        old_model, old_meta = load_model(models_dir)
    except MailrouteError as exc:
        _fail(exc)
    saved = old_meta.get("corpus") or {}
    corpus = corpus or Path(saved.get("source") or old_meta.get("source") or "")
    label_column = label_column or saved.get("label_column")
    date_column = date_column or saved.get("date_column")
    if not corpus or not Path(corpus).is_dir():
        _fail(MailrouteError(f"{corpus}: original corpus not found; pass --corpus"))
    try:
        items, messages, labels, _ = read_corpus(Path(corpus), label_column=label_column,
                                                 date_column=date_column)
    except MailrouteError as exc:
        _fail(exc)
    if not config.store.path.exists():
        _fail(MailrouteError(f"{config.store.path}: no store yet, so no corrections"))
    store = Store(config.store.path)
    try:
        fixed_messages, fixed_labels, pruned = corrected_examples(store)
        blobs = [row["blob"] for row in latest_corrections(store) if row["blob"]]
    finally:
        store.close()
    all_messages = messages + fixed_messages
    all_labels = labels + fixed_labels
    groups = duplicate_groups(all_messages)
    n_folds = max(2, round(1 / test_size))
    try:
        train_idx, test_idx = grouped_folds(all_labels, groups, n_folds, seed)[0]
        targets = sorted({*STORED_TARGETS, target})
        with progress_bar() as step:
            step("training candidate", 0, 2)
            candidate = fit([all_messages[i] for i in train_idx],
                            [all_labels[i] for i in train_idx], targets=targets, seed=seed,
                            groups=[groups[i] for i in train_idx])
            step("measuring", 1, 2)
            held = [all_messages[i] for i in test_idx]
            truth = [all_labels[i] for i in test_idx]
            new_pred, new_conf = predict(Classifier(candidate.pipeline, "candidate"), held)
            old_pred, old_conf = predict(old_model, held)
            step("measuring", 2, 2)
    except ValueError as exc:
        _fail(MailrouteError(f"{corpus} + corrections: {exc}"))
    union = sorted(set(all_labels) | set(old_model.labels))
    keys = [target]
    old_thresholds = {target_key(target): thresholds_for(old_meta, target)}
    old_scores = score(truth, old_pred, old_conf, old_thresholds, keys, union)
    new_scores = score(truth, new_pred, new_conf, candidate.thresholds_by_target, keys, union)
    promote, why = _verdict(old_scores, new_scores, tolerance)
    summary = {
        "old": {"version": old_model.version, "accuracy": old_scores["accuracy"],
                "macro_f1": old_scores["macro_f1"],
                "coverage_at_precision": old_scores["coverage_at_precision"]},
        "candidate": {"accuracy": new_scores["accuracy"], "macro_f1": new_scores["macro_f1"],
                      "coverage_at_precision": new_scores["coverage_at_precision"]},
        "held_out": len(test_idx), "corpus": len(messages), "corrections": len(fixed_messages),
        "corrections_without_text": pruned, "promote": promote, "reason": why,
        "version": None,
    }
    if promote and not dry_run:
        with progress_bar() as step:
            pipeline, report = train_model(all_messages, all_labels, seed=seed,
                                           target_precision=config.classifier.target_precision,
                                           progress=step, groups=groups)
        pairs = [(label, raw.data) for label, raw in items]
        pairs += list(zip(fixed_labels, blobs, strict=True))
        target_dir = save_model(
            pipeline, report, models_dir, make_current=True, dataset_hash=data_hash(pairs),
            source=str(corpus),
            extra={"corpus": {"source": str(corpus), "label_column": label_column,
                              "date_column": date_column, "labels_file": None},
                   "retrain": {k: v for k, v in summary.items() if k != "version"}},
        )
        summary["version"] = target_dir.name
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2))
        return
    table = Table(title=f"old vs candidate on the same {len(test_idx)} held-out messages")
    for col in ("model", "accuracy", "macro-F1", f"coverage at {target_key(target)}",
                "precision there"):
        table.add_column(col, justify="left" if col == "model" else "right")
    for name, s in (("in use " + old_model.version, old_scores), ("candidate", new_scores)):
        point = s["coverage_at_precision"][target_key(target)]
        table.add_row(name, f"{s['accuracy']:.3f}", f"{s['macro_f1']:.3f}",
                      _pct(point["coverage"]), _pct(point["precision"]))
    console.print(table)
    console.print(f"{len(messages)} corpus messages + {len(fixed_messages)} corrections"
                  + (f" ({pruned} corrections skipped: message text pruned)" if pruned else ""))
    if dry_run:
        console.print(f"dry run: {why}; nothing saved", highlight=False)
    elif promote:
        console.print(f"[green]promoted[/] {summary['version']} ({why}); roll back with "
                      f"'mailroute models use {old_model.version}'", highlight=False)
    else:
        console.print(f"[yellow]kept[/] {old_model.version}: {why}", highlight=False)


COMMANDS = (eval_command, correct_command, retrain_command)
