"""Operations commands: ``kpi``, ``report``, ``prune`` and ``audit export``.

All read the audit store named in the config; none needs the daemon to be stopped (SQLite
WAL lets them read while it writes).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

console = Console()

SINCE_HELP = "Start of the window: 7d, 12h, 30m or an ISO date/time."
UNTIL_HELP = "End of the window (default: now); same forms as --since."


def _window(since: str, until: str | None) -> tuple[datetime, datetime | None]:
    from ..cli import parse_since

    start = parse_since(since)
    assert start is not None  # --since is required or has a default
    return start, parse_since(until) if until else None


def _fmt(name: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if name in ("automated_share", "exception_rate", "accuracy"):
        return f"{value:.1%}"
    if name.endswith("_seconds"):
        return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


@click.command("kpi")
@click.option("--since", default="7d", show_default=True, help=SINCE_HELP)
@click.option("--until", help=UNTIL_HELP)
@click.option("--mailbox", help="Only this mailbox.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.pass_context
def kpi(ctx: click.Context, since: str, until: str | None, mailbox: str | None,
        fmt: str) -> None:
    """The KPIs of messages finished in a window, from the audit store.

    Messages handled, automated share, exception rate, median and p90 intake-to-handled
    time, hours of manual work saved ([kpi] manual_minutes), accuracy from corrections,
    LLM calls and cost.
    """
    from ..adapters.kpi import compute
    from ..cli import _open_store

    config, store = _open_store(ctx)
    start, end = _window(since, until)
    result = compute(store, start, end, minutes_for=config.kpi.minutes_for, mailbox=mailbox)
    store.close()
    if fmt == "json":
        data = dict(result.summary())
        data["by_label"] = result.by_label
        click.echo(json.dumps(data, indent=2))
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kpi", "value"])
        writer.writerows([(k, "" if v is None else v) for k, v in result.summary()])
        click.echo(out.getvalue(), nl=False)
        return
    table = Table(title=f"mailroute KPIs {result.since[:16]} → {result.until[:16]}")
    table.add_column("kpi")
    table.add_column("value", justify="right")
    for name, value in result.summary()[2:]:
        table.add_row(name.replace("_", " "), _fmt(name, value))
    console.print(table)
    if result.by_label:
        labels = Table(title="by label")
        for col in ("label", "handled", "automated", "exceptions", "hours saved"):
            labels.add_column(col, justify="left" if col == "label" else "right")
        for label, e in result.by_label.items():
            labels.add_row(label, str(e["handled"]), str(e["automated"]), str(e["exceptions"]),
                           f"{e['hours_saved']:.2f}")
        console.print(labels)


@click.command("report")
@click.option("--since", default="30d", show_default=True, help=SINCE_HELP)
@click.option("--until", help=UNTIL_HELP)
@click.option("--mailbox", help="Only this mailbox.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("report.html"), show_default=True, help="HTML file to write.")
@click.pass_context
def report(ctx: click.Context, since: str, until: str | None, mailbox: str | None,
           out_path: Path) -> None:
    """Write a self-contained HTML report with charts, for people who do not open Grafana.

    Volume per day by label, exception rate trend, intake-to-handled latency and hours
    saved, with the KPI summary on top. No external resources: mail it or open it offline.
    """
    from ..adapters.report import render_report
    from ..cli import _open_store

    config, store = _open_store(ctx)
    start, end = _window(since, until)
    html = render_report(store, start, end, minutes_for=config.kpi.minutes_for,
                         mailbox=mailbox)
    store.close()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8")
    console.print(f"wrote {out_path} ({len(html) // 1024} KiB)")


@click.command("prune")
@click.option("--days", type=click.IntRange(min=1),
              help="Prune texts of messages finished more than this many days ago "
                   "(default: [store] retention_days).")
@click.pass_context
def prune(ctx: click.Context, days: int | None) -> None:
    """Remove message text, LLM prompts/responses, summaries, field values, cached answers and
    sent copies after the retention period; the decision trail (who, what, when, why, which
    actions) stays."""
    from ..adapters.retention import cutoff_for
    from ..adapters.retention import prune as prune_store
    from ..cli import _fail, _open_store
    from ..errors import ConfigError

    config, store = _open_store(ctx)
    days = days or config.store.retention_days
    if not days:
        _fail(ConfigError(f"{ctx.obj['config']}: store.retention_days is 0 (keep everything); "
                          "set it or pass --days"))
    result = prune_store(store, cutoff_for(days))
    store.close()
    counts = ", ".join(f"{kind.replace('_', ' ')}: {n}"
                       for kind, n in dataclasses.asdict(result).items())
    console.print(f"pruned texts older than {days} days: {counts}")


@click.command("export")
@click.option("--since", required=True, help=SINCE_HELP)
@click.option("--until", help=UNTIL_HELP)
@click.option("--mailbox", help="Only this mailbox.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl",
              show_default=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.pass_context
def audit_export(ctx: click.Context, since: str, until: str | None, mailbox: str | None,
                 fmt: str, out_path: Path | None) -> None:
    """Export every decision first seen in a window, with its actions, for auditors.

    jsonl: one message per line with an ``actions`` list. csv: one row per message, the
    actions joined in one column as ``kind target [state] result``. Message text is never
    exported.
    """
    from ..adapters.kpi import AUDIT_COLUMNS, audit_rows
    from ..cli import _open_store

    _, store = _open_store(ctx)
    start, end = _window(since, until)
    out = out_path.open("w", encoding="utf-8", newline="") if out_path else sys.stdout
    count = 0
    try:
        writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        if writer:
            writer.writerow([*AUDIT_COLUMNS, "actions"])
        for row in audit_rows(store, start, end, mailbox):
            count += 1
            if writer:
                actions = "; ".join(
                    " ".join(p for p in (a["kind"], a["target"] or "", f"[{a['state']}]",
                                         a["result"] or a["error"] or "") if p)
                    for a in row["actions"])
                writer.writerow([*("" if row[c] is None else row[c] for c in AUDIT_COLUMNS),
                                 actions])
            else:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if out_path:
            out.close()
        store.close()
    if out_path:
        console.print(f"exported {count} decision(s) to {out_path}")


COMMANDS = (kpi, report, prune)
