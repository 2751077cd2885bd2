"""The ``mailroute`` command line. Every command has help; errors name the file and key."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from . import __version__
from .errors import ConfigError, MailrouteError, RuleError

# Piped output (CI, logs, grep) is not wrapped at 80 columns: paths and reasons stay whole.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, soft_wrap=True)

CONFIG_HELP = "Config file (default: config.toml, or $MAILROUTE_CONFIG)."


def plain(*cells: object) -> list[Text]:
    """Table cells shown as they are: mail text like "[/]" is data, not rich markup."""
    return [Text("" if cell is None else str(cell)) for cell in cells]


def _fail(exc: Exception) -> None:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
    sys.exit(2)


def _config(ctx: click.Context):
    from .config import load_config

    try:
        return load_config(ctx.obj["config"])
    except ConfigError as exc:
        _fail(exc)


def parse_since(value: str | None) -> datetime | None:
    """``7d``, ``12h``, ``30m`` or an ISO date/time, as an aware UTC datetime."""
    if not value:
        return None
    match = re.fullmatch(r"(\d+)\s*([dhm])", value.strip())
    if match:
        n, unit = int(match.group(1)), match.group(2)
        delta = {"d": timedelta(days=n), "h": timedelta(hours=n), "m": timedelta(minutes=n)}
        return datetime.now(UTC) - delta[unit]
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: use e.g. 7d, 12h, 30m or 2026-11-01") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.group()
@click.option("-c", "--config", "config_path", envvar="MAILROUTE_CONFIG",
              default="config.toml", show_default=True, help=CONFIG_HELP)
@click.version_option(__version__, prog_name="mailroute")
@click.pass_context
def main(ctx: click.Context, config_path: str) -> None:
    """mailroute: triage shared mailboxes with a classifier, rules and an audit trail."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config_path


# -- run -------------------------------------------------------------------------------------

@main.command()
@click.option("--once", is_flag=True, help="Process what the mailboxes hold now, then exit.")
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """Run the daemon: watch every mailbox, route each new message, record every decision.

    Stops cleanly on Ctrl-C or SIGTERM; SIGHUP reloads the rules.
    """
    from .daemon import Daemon, process_available
    from .logs import setup_logging
    from .wiring import build_app

    config = _config(ctx)
    setup_logging(config.daemon.log_format, config.daemon.log_level)
    try:
        app = build_app(config)
    except RuleError as exc:
        _fail(RuleError(["rules are invalid; fix them and start again:", *exc.problems]))
    except MailrouteError as exc:
        _fail(exc)
    if once:
        count = process_available(app)
        app.close()
        console.print(f"processed {count} message(s)")
        return
    daemon = Daemon(app)
    daemon.install_signals()
    try:
        daemon.run()
    except MailrouteError as exc:
        app.close()
        _fail(exc)


# -- config ----------------------------------------------------------------------------------

@main.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
@click.pass_context
def config_check(ctx: click.Context) -> None:
    """Validate the config file and print the effective settings (secrets never shown)."""
    config = _config(ctx)
    console.print_json(config.model_dump_json(exclude={"source_path"}))
    console.print(f"[green]{ctx.obj['config']}: ok[/]")


# -- models ----------------------------------------------------------------------------------

@main.command()
@click.argument("src", required=False,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--models", "models_dir", type=click.Path(path_type=Path),
              help="Where to save (default: classifier.models_dir from the config).")
@click.option("--activate/--no-activate", default=True, show_default=True,
              help="Make the new model the current one.")
@click.option("--if-missing", is_flag=True, help="Do nothing when a current model exists.")
@click.option("--label-column", help="labels.csv column holding the label (default: label).")
@click.option("--date-column", help="labels.csv column holding each message's date.")
@click.option("--from-imap", "imap_mailbox", metavar="MAILBOX",
              help="Learn from how a configured IMAP mailbox is filed (instead of SRC).")
@click.option("--folders", default="*", show_default=True,
              help="With --from-imap: folder patterns, one label each, e.g. 'Finance/*,HR/*'.")
@click.pass_context
def train(ctx: click.Context, src: Path | None, models_dir: Path | None, activate: bool,
          if_missing: bool, label_column: str | None, date_column: str | None,
          imap_mailbox: str | None, folders: str) -> None:
    """Train a classifier from SRC: a folder per label of .eml files, a Maildir++ tree, or a
    folder with labels.csv (path,label[,date...]); or from the folders of an IMAP mailbox.
    Stores per-label thresholds for the precision targets found by cross-validation."""
    from .adapters.model_files import current_version
    from .commands.quality import run_train

    config = None
    if models_dir is None or imap_mailbox or Path(ctx.obj["config"]).is_file():
        config = _config(ctx)
    models_dir = models_dir or config.classifier.models_dir
    if if_missing and current_version(models_dir):
        console.print(f"model {current_version(models_dir)} already in {models_dir}")
        return
    run_train(config, src, models_dir, activate=activate, label_column=label_column,
              date_column=date_column, imap=(imap_mailbox, folders) if imap_mailbox else None)


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def classify(ctx: click.Context, files: tuple[Path, ...], fmt: str) -> None:
    """Print label, confidence and the top alternatives for each .eml FILE."""
    from .adapters.model_files import load_model
    from .core.message import RawMail
    from .core.parse import parse

    config = _config(ctx)
    try:
        model, _ = load_model(config.classifier.models_dir)
    except MailrouteError as exc:
        _fail(exc)
    out = []
    for path in files:
        msg = parse(RawMail("cli", "file", str(path), path.read_bytes()))
        result = model.classify(msg)
        out.append({"file": str(path), "label": result.label, "confidence": result.confidence,
                    "alternatives": [list(a) for a in result.alternatives],
                    "model_version": result.model_version})
    if fmt == "json":
        click.echo(json.dumps(out, indent=2))
        return
    table = Table()
    for col in ("file", "label", "confidence", "alternatives"):
        table.add_column(col)
    for row in out:
        alts = ", ".join(f"{lbl} {p:.2f}" for lbl, p in row["alternatives"])
        table.add_row(*plain(row["file"], row["label"], f"{row['confidence']:.3f}", alts))
    console.print(table)


@main.group("models")
def models_group() -> None:
    """List model versions and choose the one in use."""


@models_group.command("list")
@click.pass_context
def models_list(ctx: click.Context) -> None:
    """List every model version with its metrics; * marks the current one."""
    from .adapters.model_files import current_version, list_versions

    models_dir = _config(ctx).classifier.models_dir
    current = current_version(models_dir)
    table = Table()
    for col in ("", "version", "created", "messages", "accuracy", "macro-F1", "labels"):
        table.add_column(col)
    for meta in list_versions(models_dir):
        m = meta.get("metrics", {})
        table.add_row("*" if meta["version"] == current else "", meta["version"],
                      meta.get("created", ""), str(meta.get("n_total", "")),
                      f"{m.get('accuracy', 0):.3f}", f"{m.get('macro_f1', 0):.3f}",
                      ", ".join(meta.get("labels", [])))
    console.print(table)


@models_group.command("use")
@click.argument("version")
@click.pass_context
def models_use(ctx: click.Context, version: str) -> None:
    """Make VERSION the current model (a running daemon picks it up without restart)."""
    from .adapters.model_files import set_current

    try:
        set_current(_config(ctx).classifier.models_dir, version)
    except MailrouteError as exc:
        _fail(exc)
    console.print(f"current model: {version}")


# -- rules -----------------------------------------------------------------------------------

@main.group("rules")
def rules_group() -> None:
    """Check rule files and try them on a message."""


@rules_group.command("check")
@click.option("--dir", "rules_dir", type=click.Path(path_type=Path),
              help="Rules folder (default: rules.dir from the config).")
@click.pass_context
def rules_check(ctx: click.Context, rules_dir: Path | None) -> None:
    """Validate every rule file; report each error with file, rule and key.

    Webhook names are checked against the config's [webhooks.NAME] tables; with --dir and
    no usable config file that check is skipped, and the output says so."""
    from .adapters.rule_files import load_rules, webhooks_of

    webhooks, skipped = None, ""
    if rules_dir is None:
        config = _config(ctx)
        rules_dir, webhooks = config.rules.dir, webhooks_of(config)
    elif Path(ctx.obj["config"]).is_file():
        from .config import load_config

        try:
            webhooks = webhooks_of(load_config(ctx.obj["config"]))
        except ConfigError as exc:
            skipped = f"config not usable: {exc}"
    else:
        skipped = f"no config file {ctx.obj['config']}"
    try:
        rules = load_rules(rules_dir, webhooks)
    except RuleError as exc:
        for problem in exc.problems:
            err_console.print(f"[red]✗[/] {escape(problem)}", highlight=False)
        sys.exit(1)
    files = sorted({r.source for r in rules})
    console.print(f"[green]✓[/] {len(rules)} rules in {len(files)} file(s) are valid")
    if skipped:
        console.print(f"[yellow]![/] webhook names not checked ({escape(skipped)})",
                      highlight=False)


@rules_group.command("test")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mailbox", default="test", show_default=True, help="Mailbox name to assume.")
@click.option("--no-llm", is_flag=True, help="Do not call the LLM, even with [llm] enabled.")
@click.pass_context
def rules_test(ctx: click.Context, file: Path, mailbox: str, no_llm: bool) -> None:
    """Show, without acting, how FILE would be classified and routed, rule by rule.

    With [llm] enabled the LLM fallback, field extraction and summary run as in the daemon,
    through the configured endpoint (the calls are recorded in the store and count against
    the budget); --no-llm skips them."""
    from prometheus_client import CollectorRegistry

    from .adapters.metrics import Metrics
    from .adapters.rule_files import load_rules, webhooks_of
    from .adapters.store import Store
    from .commands.llm import build_watched_llm, quiet_model_holder, show_llm
    from .core.message import RawMail
    from .core.parse import parse
    from .pipeline import Deferred, Pipeline
    from .wiring import policy_from

    config = _config(ctx)
    try:
        rules = load_rules(config.rules.dir, webhooks_of(config))
    except RuleError as exc:
        _fail(exc)
    msg = parse(RawMail(mailbox, "INBOX", file.name, file.read_bytes()))
    holder = quiet_model_holder(config.classifier.models_dir)
    policy = policy_from(config, holder)  # the model's thresholds, as the daemon uses them
    registry, store, watched = CollectorRegistry(), None, None
    why_not = "--no-llm" if no_llm else "[llm] enabled = false"
    try:
        if config.llm.enabled and not no_llm:
            store = Store(config.store.path)
            watched = build_watched_llm(config, store, registry,
                                        lambda: holder().labels if holder() else (),
                                        lambda: rules)
        pipeline = Pipeline(store=store or Store(":memory:"), classifier=holder,
                            rules=lambda: rules, policy=policy, metrics=Metrics(registry),
                            llm=watched, llm_fallback=config.llm.fallback)
        try:
            classification, decision = pipeline.decide(msg)
        except Deferred as exc:
            classification, decision, deferred = None, None, str(exc)
    except MailrouteError as exc:
        _fail(exc)
    finally:
        if store is not None:
            store.close()
    error = holder.error or ("no model" if holder() is None else "nothing to classify")
    if watched is not None and watched.routed is not None:
        classification = watched.routed[0]  # show the classifier's answer; the LLM's below
    console.print(f"[bold]{escape(msg.subject or '(no subject)')}[/] from "
                  f"{escape(str(msg.from_ or '-'))}")  # mail text is not markup
    if msg.defects:
        console.print(f"defects: {escape('; '.join(msg.defects[:5]))}", highlight=False)
    if classification:
        alts = ", ".join(f"{lbl} {p:.2f}" for lbl, p in classification.alternatives)
        console.print(f"classification: [bold]{classification.label}[/] "
                      f"{classification.confidence:.3f} (threshold "
                      f"{policy.threshold_for(classification.label):.2f}; then {alts})")
    else:
        console.print(f"classification: none ({escape(error)})", highlight=False)
    show_llm(watched, why_not, policy)
    if decision is None:
        console.print(f"decision: none yet; the message would wait and be retried ({deferred})",
                      highlight=False)
        return
    for trace in decision.trace:
        mark = "[green]✓ match[/]" if trace.matched else "[dim]✗ no match[/]"
        console.print(f"  {mark} {trace.rule}")
        for check in trace.checks:
            sign = "✓" if check.ok else "✗"
            console.print(f"      {sign} {escape(check.condition)}: {escape(check.detail)}",
                          highlight=False)
    console.print(f"decision: {decision.outcome} by {decision.tier}"
                  f"{' rule ' + decision.rule if decision.rule else ''}")
    console.print(f"reason: {escape(decision.reason)}", highlight=False)
    for action in decision.actions:
        target = policy.exceptions_folder if action.kind == "exceptions" else ""
        console.print(f"  would {action.describe()}" + (f" → {target}" if target else ""),
                      highlight=False)


# -- audit and replay ------------------------------------------------------------------------

def _open_store(ctx: click.Context):
    from .adapters.store import Store

    config = _config(ctx)
    if not config.store.path.exists():
        _fail(MailrouteError(f"{config.store.path}: no store yet (run the daemon first)"))
    return config, Store(config.store.path)


def _actions_text(actions: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{a['kind']} {a['target'] or ''}".strip() + f" [{a['state']}]"
        if a["kind"] != "exceptions" else f"exceptions [{a['state']}]"
        for a in actions
    )


@main.group(invoke_without_command=True)
@click.option("--mailbox", help="Only this mailbox.")
@click.option("--label", help="Only this category.")
@click.option("--status", type=click.Choice(["done", "exception", "failed", "pending", "error"]))
@click.option("--since", help="Only messages first seen since (7d, 12h, 2026-11-01).")
@click.option("--limit", default=50, show_default=True, help="At most this many rows.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def audit(ctx: click.Context, mailbox: str | None, label: str | None, status: str | None,
          since: str | None, limit: int, fmt: str) -> None:
    """List recent decisions: what came in, what was decided, by which rule, and why.

    `mailroute audit export` writes every decision of a window as CSV or JSON lines.
    """
    if ctx.invoked_subcommand is not None:
        return
    _, store = _open_store(ctx)
    rows = store.decisions(mailbox=mailbox, label=label, status=status,
                           since=parse_since(since), limit=limit)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    table = Table()
    for col in ("seen", "mailbox", "subject", "label", "conf", "tier", "rule", "status",
                "actions"):
        table.add_column(col, overflow="fold")
    for row in rows:
        conf = f"{row['confidence']:.2f}" if row["confidence"] is not None else "-"
        table.add_row(*plain((row["first_seen_at"] or "")[:19], row["mailbox"],
                             (row["subject"] or "")[:60], row["label"] or "-", conf,
                             row["tier"] or "-", row["rule"] or "-", row["status"],
                             _actions_text(row["actions"])))
    console.print(table)


@main.command()
@click.option("--mailbox", help="Only this mailbox.")
@click.option("--label", help="Only messages recorded with this category.")
@click.option("--since", help="Only messages first seen since (7d, 12h, 2026-11-01).")
@click.option("--limit", default=0, help="At most this many messages (0: all).")
@click.option("--reclassify", is_flag=True, help="Classify again with the current model.")
@click.option("--show", default=20, show_default=True, help="List this many changed messages.")
@click.pass_context
def replay(ctx: click.Context, mailbox: str | None, label: str | None, since: str | None,
           limit: int, reclassify: bool, show: int) -> None:
    """Run the current rules over stored messages, without acting, and show what changes.

    Uses the thresholds the daemon would use now and the fields stored for each message; it
    never calls the LLM (with --reclassify, a stored LLM label stands in for the fallback)."""
    from .adapters.codec import decode_message
    from .adapters.rule_files import load_rules, webhooks_of
    from .commands.llm import quiet_model_holder, stored_fields
    from .core.classify import Classification
    from .core.decide import decide
    from .wiring import policy_from

    config, store = _open_store(ctx)
    try:
        rules = load_rules(config.rules.dir, webhooks_of(config))
    except RuleError as exc:
        _fail(exc)
    holder = quiet_model_holder(config.classifier.models_dir)
    model = holder() if reclassify else None
    if reclassify and model is None:
        _fail(MailrouteError(holder.error or f"{config.classifier.models_dir}: no model"))
    policy = policy_from(config, holder)  # the model's thresholds, as the daemon uses them
    rows = store.decisions(mailbox=mailbox, label=label, since=parse_since(since),
                           limit=limit or None, with_message=True)
    per_rule: Counter[str] = Counter()
    changed, skipped = [], 0
    for row in rows:
        if not row.get("message"):
            skipped += 1
            continue
        msg = decode_message(row["message"])
        stored = Classification(row["label"], row["confidence"], (), row["model_version"] or "",
                                "llm" if row["tier"] == "llm" else "classifier"
                                ) if row["label"] is not None else None
        cls = stored
        if model is not None:
            cls = model.classify(msg)
            if (stored is not None and stored.tier == "llm"
                    and cls.confidence < policy.threshold_for(cls.label)):
                cls = stored  # the daemon would ask the LLM again; replay reuses its answer
        decision = decide(msg, cls, rules, policy, classify_error="not classified at the time",
                          fields=stored_fields(store, row["id"]))
        per_rule[decision.rule or "(exceptions route)"] += 1
        before = [a["kind"] + " " + (a["target"] or "") for a in row["actions"]
                  if a["kind"] != "exceptions"] + (["exceptions"] if any(
                      a["kind"] == "exceptions" for a in row["actions"]) else [])
        after = [a.kind + " " + a.target for a in decision.actions if a.kind != "exceptions"] + (
            ["exceptions"] if decision.exception else [])
        if sorted(before) != sorted(after) or (row["rule"] or "") != decision.rule:
            changed.append((row, decision, before, after))
    table = Table(title=f"{len(rows) - skipped} messages replayed; rule catches")
    table.add_column("rule")
    table.add_column("messages", justify="right")
    for rule, n in per_rule.most_common():
        table.add_row(rule, str(n))
    console.print(table)
    console.print(f"{len(changed)} message(s) would now be handled differently"
                  + (f"; {skipped} without stored text skipped" if skipped else ""))
    if changed and show:
        diff = Table()
        for col in ("id", "subject", "was", "now"):
            diff.add_column(col, overflow="fold")
        for row, decision, before, after in changed[:show]:
            diff.add_row(*plain(row["id"], (row["subject"] or "")[:50],
                                f"{row['rule'] or '-'}: {', '.join(before)}",
                                f"{decision.rule or '-'}: {', '.join(after)}"))
        console.print(diff)


# -- seeding ---------------------------------------------------------------------------------

@main.command()
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--mailbox", help="Maildir mailbox to fill (default: the first Maildir one).")
@click.option("--limit", default=0, help="Deliver at most this many messages (0: all).")
@click.pass_context
def seed(ctx: click.Context, sources: tuple[Path, ...], mailbox: str | None, limit: int) -> None:
    """Deliver .eml files (or folders of them) into a Maildir mailbox's inbox, for trying out."""
    from .adapters.sources.maildir import deliver
    from .config.sources import MaildirMailbox

    config = _config(ctx)
    boxes = [m for m in config.mailboxes if isinstance(m, MaildirMailbox)
             and (mailbox is None or m.name == mailbox)]
    if not boxes:
        _fail(ConfigError(f"{ctx.obj['config']}: no Maildir mailbox"
                          + (f" named {mailbox!r}" if mailbox else "")))
    files: list[Path] = []
    for src in sources:
        files.extend(sorted(src.rglob("*.eml")) if src.is_dir() else [src])
    if limit:
        files = files[:limit]
    for path in files:
        deliver(boxes[0].path, path.read_bytes())
    console.print(f"delivered {len(files)} message(s) to {boxes[0].path}")


from .commands import ops as _ops  # noqa: E402  (after `main` and `audit` exist)

audit.add_command(_ops.audit_export)
for _command in _ops.COMMANDS:  # kpi, report, prune
    main.add_command(_command)

from .commands import quality as _quality  # noqa: E402  (eval, correct, retrain)

for _command in _quality.COMMANDS:
    main.add_command(_command)

from .commands.outbox import outbox as _outbox  # noqa: E402  (list, requeue, resolve sends)

main.add_command(_outbox)

from .commands.llm import llm_group as _llm  # noqa: E402  (llm check)

main.add_command(_llm)

if __name__ == "__main__":  # pragma: no cover
    main()
