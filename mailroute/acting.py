"""Carrying out journalled actions: one message (a resumed attempt) or a batch in rounds.

Every action row was committed as ``intended`` before anything here runs (see
``Store.record_decision``); each is marked ``done``/``failed``/``queued`` after it ran, so a
crash in between leaves work that ``reconcile`` can check instead of redo.

A batch runs in rounds: round *k* carries out the *k*-th action of every message that has
one, so each message still sees its actions in order (a tag before the move that takes it
away), while the source can do a whole round in a few commands (``apply_all``): on IMAP one
``UID MOVE`` per target folder instead of one per message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .adapters.metrics import Metrics
from .adapters.sources.base import Source, apply_all
from .adapters.store import Store
from .core.message import RawMail
from .core.rules import Action

SEND_KINDS = ("forward", "reply")
QUEUED_KINDS = ("webhook",)  # delivered later by their own sender, like sends
# states an earlier attempt left that must not run again: sending/uncertain belong to the
# SMTP sender (re-queueing could send twice)
SETTLED = ("done", "queued", "skipped", "sending", "uncertain")


def action_from_row(row: dict[str, Any]) -> Action:
    params = json.loads(row.get("params") or "{}")
    return Action(
        row["kind"], target=row["target"] or "", to=tuple(params.get("to") or ()),
        mode=params.get("mode") or "", rule=row.get("rule") or "",
    )


def _settled(row: dict[str, Any]) -> bool:
    # a send the sender gave up on after its own retries is final, never re-queued
    return row["state"] in SETTLED or (row["state"] == "failed" and row["kind"] in SEND_KINDS)


@dataclass
class Journal:
    """One message's journalled actions, and the first failure among them."""

    raw: RawMail
    rows: Sequence[dict[str, Any]]
    error: str = ""


class Actor:
    """Runs journalled actions against a source, recording each result in the store."""

    def __init__(self, store: Store, metrics: Metrics, clock: Callable[[], datetime]):
        self.store = store
        self.metrics = metrics
        self.clock = clock

    def _store_only(self, raw: RawMail, row: dict[str, Any], action: Action) -> bool:
        """Queue a send or webhook (the store is its whole effect); False for mailbox kinds."""
        if action.kind in QUEUED_KINDS:
            self.store.set_action(row["id"], "queued", result="waiting for a sender",
                                  now=self.clock())
        elif action.kind in SEND_KINDS:
            self.store.enqueue_send(row["id"], row["message"], raw.data, self.clock())
        else:
            return False
        self.metrics.actions.labels(raw.mailbox, action.kind, "queued").inc()
        return True

    def _record(self, raw: RawMail, row: dict[str, Any], action: Action,
                result: str | Exception) -> str:
        """Mark one action done or failed; returns the error text ('' when done)."""
        if isinstance(result, Exception):
            error = f"{action.kind} failed: {type(result).__name__}: {result}"
            self.store.set_action(row["id"], "failed", error=error)
            self.metrics.actions.labels(raw.mailbox, action.kind, "failed").inc()
            self.metrics.errors.labels(raw.mailbox, "act").inc()
            return error
        self.store.set_action(row["id"], "done", result=result)
        self.metrics.actions.labels(raw.mailbox, action.kind, "done").inc()
        return ""

    def resume(self, raw: RawMail, source: Source, rows: Sequence[dict[str, Any]]) -> str:
        """Finish an earlier attempt's journal; each open action is first checked with
        ``source.reconcile``: it may have taken effect before a crash. Returns the error
        that stopped it ('' when all ran)."""
        journal = Journal(raw, rows)
        self.run([journal], source, reconcile=True)
        return journal.error

    def run(self, journals: Sequence[Journal], source: Source, *,
            reconcile: bool = False) -> None:
        """Carry out journals in rounds; a message stops at its first failure
        (``journal.error``), the others go on."""
        position = 0
        while True:
            items: list[tuple[Journal, dict[str, Any], Action]] = []
            more = False
            for journal in journals:
                if journal.error or position >= len(journal.rows):
                    continue
                more = True
                row = journal.rows[position]
                if _settled(row):
                    continue
                action = action_from_row(row)
                if self._store_only(journal.raw, row, action):
                    continue
                if reconcile and source.reconcile(journal.raw.folder, journal.raw.source_id,
                                                  action):
                    self.store.set_action(row["id"], "done", result="reconciled: already done")
                    self.metrics.actions.labels(journal.raw.mailbox, action.kind,
                                                "reconciled").inc()
                    continue
                items.append((journal, row, action))
            if not more:
                return
            if items:
                results = apply_all(source, [(j.raw, action) for j, _, action in items])
                with self.store.transaction():  # one commit for the round's marks
                    for (journal, row, action), result in zip(items, results, strict=True):
                        journal.error = self._record(journal.raw, row, action, result)
            position += 1
