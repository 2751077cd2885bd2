"""Human corrections in the store: recording them, training on them, measuring with them.

A correction says "message M, which mailroute labelled P, is really C", with who made it
and where it came from (``cli``, or e.g. ``imap:Finance/Invoices`` when a watcher sees a
person move a routed message: adapters/correction_watch.py, which calls
:func:`record_correction`). Rows are only ever added: the latest one per message counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ..core.message import Message
from ..errors import MailrouteError
from .codec import decode_message
from .store import Store, iso, utcnow

# "Auto-routed": finished without a human (status done, as in the KPI report) with a label.
_AUTO_ROUTED = "m.status = 'done' AND m.label IS NOT NULL"


@dataclass(frozen=True, slots=True)
class Correction:
    """One recorded correction."""

    id: int
    message: int
    predicted: str | None
    corrected: str


def find_message(store: Store, ref: str) -> dict[str, Any]:
    """The store row for ``ref``: a row id (as ``audit`` shows it) or a Message-ID."""
    rows: list[dict[str, Any]] = []
    if ref.isdigit():
        rows = list(store.db.query("SELECT * FROM messages WHERE id = ?", [int(ref)]))
    if not rows:
        wanted = ref if ref.startswith("<") else f"<{ref}>"
        rows = list(store.db.query(
            "SELECT * FROM messages WHERE message_id IN (?, ?) ORDER BY id DESC LIMIT 1",
            [ref, wanted],
        ))
    if not rows:
        raise MailrouteError(f"{store.path}: no message {ref!r} (use an id from "
                             "'mailroute audit' or a Message-ID)")
    return rows[0]


def record_correction(
    store: Store, message: int, corrected: str, *, who: str, source: str = "cli",
    now: datetime | None = None,
) -> Correction:
    """Add a correction for store row ``message``; ``predicted`` is the label it had."""
    corrected = corrected.strip()
    if not corrected:
        raise MailrouteError("a correction needs a label")
    with store.transaction() as db:
        row = db.execute("SELECT label FROM messages WHERE id = ?", [message]).fetchone()
        if row is None:
            raise MailrouteError(f"{store.path}: no message with id {message}")
        pk = db["corrections"].insert({
            "message": message, "predicted": row[0], "corrected": corrected,
            "source": source, "who": who, "created_at": iso(now or utcnow()),
        }).last_pk
    return Correction(int(pk), message, row[0], corrected)


def latest_corrections(store: Store) -> list[dict[str, Any]]:
    """The latest correction per message, with the stored message bytes (may be pruned)."""
    return list(store.db.query(
        "SELECT c.message, c.predicted, c.corrected, c.who, c.created_at, m.message AS blob "
        "FROM corrections c JOIN messages m ON m.id = c.message "
        "WHERE c.id = (SELECT MAX(id) FROM corrections WHERE message = c.message) "
        "ORDER BY c.message"
    ))


def corrected_examples(store: Store) -> tuple[list[Message], list[str], int]:
    """Training examples from corrections: (messages, labels, skipped without stored text)."""
    messages, labels, skipped = [], [], 0
    for row in latest_corrections(store):
        if not row["blob"]:
            skipped += 1
            continue
        messages.append(decode_message(row["blob"]))
        labels.append(row["corrected"])
    return messages, labels, skipped


def accuracy_from_corrections(
    store: Store, window_days: int = 30, now: datetime | None = None
) -> dict[str, dict[str, float]]:
    """Per label: auto-routed messages finished in the last ``window_days`` days, how many a
    person corrected to another label, and the share nobody corrected."""
    since = iso((now or utcnow()) - timedelta(days=window_days))
    rows = store.db.execute(
        f"SELECT m.label, COUNT(*), SUM(EXISTS (SELECT 1 FROM corrections c "
        f"WHERE c.message = m.id AND c.corrected IS NOT NULL "
        f"AND (c.predicted IS NULL OR c.corrected != c.predicted))) "
        f"FROM messages m WHERE {_AUTO_ROUTED} AND m.finished_at >= ? GROUP BY m.label",
        [since],
    ).fetchall()
    return {
        label: {"routed": float(n), "corrected": float(bad or 0),
                "accuracy": 1.0 - (bad or 0) / n}
        for label, n, bad in rows if n
    }


class CorrectionMetrics(Collector):
    """Exports accuracy-from-corrections per label, computed from the store at scrape time.

    (The count of corrections itself is ``mailroute_corrections_total`` from adapters/kpi.py.)
    """

    def __init__(self, registry: CollectorRegistry, store: Store, window_days: int = 30):
        self.store = store
        self.window_days = window_days
        registry.register(self)

    def describe(self) -> list:
        # empty description: no store query when the collector is registered
        return []

    def collect(self):
        accuracy = GaugeMetricFamily(
            "mailroute_classifier_correction_accuracy_ratio",
            f"Share of auto-routed messages of the last {self.window_days} days that nobody "
            "corrected to another label, by label.",
            labels=["label"],
        )
        routed = GaugeMetricFamily(
            "mailroute_classifier_auto_routed_messages",
            f"Auto-routed messages of the last {self.window_days} days, by label.",
            labels=["label"],
        )
        try:
            figures = accuracy_from_corrections(self.store, self.window_days)
        except Exception:  # a scrape must not fail because the store is busy or closed
            figures = {}
        for label, f in sorted(figures.items()):
            accuracy.add_metric([label], f["accuracy"])
            routed.add_metric([label], f["routed"])
        yield accuracy
        yield routed
