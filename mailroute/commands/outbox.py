"""``mailroute outbox``: the forwards and replies waiting, failed or uncertain (docs/smtp.md)."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

console = Console()


def _store(ctx: click.Context):
    from ..adapters.store import Store
    from ..cli import _config

    return Store(_config(ctx).store.path)


@click.group("outbox")
def outbox() -> None:
    """Sends (forward, reply): list them; re-queue or resolve failed and uncertain ones."""


@outbox.command("list")
@click.option("--state", "states", multiple=True,
              type=click.Choice(["queued", "sending", "done", "skipped", "failed", "uncertain"]),
              help="Only these states (repeatable; default: queued, failed, uncertain).")
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def list_command(ctx: click.Context, states: tuple[str, ...], limit: int, as_json: bool) -> None:
    """List sends, newest first."""
    from ..adapters.outbox import list_sends

    store = _store(ctx)
    try:
        rows = list_sends(store, states or ("queued", "failed", "uncertain"), limit)
    finally:
        store.close()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    from ..cli import plain

    table = Table("action", "mailbox", "kind", "to / template", "state", "tries", "detail")
    for row in rows:
        params = json.loads(row["params"] or "{}")
        target = ", ".join(params.get("to") or []) or row["target"] or ""
        detail = row["error"] or row["result"] or ""
        table.add_row(*plain(row["id"], row["mailbox"], row["kind"], target, row["state"],
                             row["attempts"], detail[:120]))
    console.print(table)


@outbox.command("requeue")
@click.argument("action_id", type=int)
@click.option("--reason", required=True, help="Why it must be sent again (recorded).")
@click.pass_context
def requeue_command(ctx: click.Context, action_id: int, reason: str) -> None:
    """Send a failed or uncertain send again (after checking it did not arrive)."""
    from ..adapters.outbox import requeue
    from ..cli import _fail
    from ..errors import MailrouteError

    store = _store(ctx)
    try:
        requeue(store, action_id, reason)
    except MailrouteError as exc:
        _fail(exc)
    finally:
        store.close()
    console.print(f"action {action_id}: queued again")


@outbox.command("resolve")
@click.argument("action_id", type=int)
@click.option("--delivered/--dropped", required=True,
              help="It arrived after all (done), or it is not to be sent (skipped).")
@click.option("--reason", required=True, help="How this was checked (recorded).")
@click.pass_context
def resolve_command(ctx: click.Context, action_id: int, delivered: bool, reason: str) -> None:
    """Close a failed or uncertain send without sending it."""
    from ..adapters.outbox import resolve
    from ..cli import _fail
    from ..errors import MailrouteError

    store = _store(ctx)
    try:
        resolve(store, action_id, reason, delivered=delivered)
    except MailrouteError as exc:
        _fail(exc)
    finally:
        store.close()
    console.print(f"action {action_id}: {'done' if delivered else 'skipped'}")
