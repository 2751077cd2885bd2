"""KPIs from the audit store: what ``mailroute kpi`` prints and ``mailroute report`` charts.

A message counts in the window when it was *finished* (``finished_at``) in it. Handled =
done + exception + error; automated = done (routed without a human). Intake-to-handled
is ``finished_at - received_at``: the mailbox's own arrival time (Maildir mtime, IMAP
INTERNALDATE), as in the live histogram ``mailroute_intake_to_handled_seconds``; the
sender's Date header is kept apart in ``sent_at``. Where a source gave no arrival time, the
time mailroute first saw the message stands in.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from prometheus_client.core import CounterMetricFamily

from .store import Store, iso, utcnow

HANDLED = ("done", "exception", "error")


def unfinished_count(store: Store, mailbox: str) -> int:
    """Messages of ``mailbox`` seen and not finished (pending or waiting for a retry)."""
    row = store.db.execute(
        "SELECT COUNT(*) FROM messages WHERE mailbox=? AND status IN ('pending','failed')",
        [mailbox],
    ).fetchone()
    return int(row[0])


class CorrectionsCollector:
    """``mailroute_corrections_total`` read from the store's ``corrections`` table at each
    scrape, so every way a correction is recorded counts (rows are never pruned)."""

    def __init__(self, store: Store):
        self.store = store

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "mailroute_corrections",
            "Human corrections of a message's category, by the predicted label.",
            labels=["label"],
        )
        try:
            rows = self.store.db.execute(
                "SELECT COALESCE(predicted, 'none'), COUNT(*) FROM corrections "
                "WHERE corrected IS NOT NULL AND (predicted IS NULL OR corrected != predicted) "
                "GROUP BY 1"
            ).fetchall()
        except sqlite3.Error:  # a closed or locked store must not break the scrape
            rows = []
        for label, count in rows:
            family.add_metric([label], count)
        yield family


def _parse(stamp: str | None) -> datetime | None:
    return datetime.fromisoformat(stamp) if stamp else None


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) by linear interpolation; ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class Kpis:
    """The five KPIs plus their inputs, for one time window."""

    since: str
    until: str
    handled: int = 0
    automated: int = 0
    exceptions: int = 0
    errors: int = 0
    automated_share: float | None = None
    exception_rate: float | None = None
    latency_median_seconds: float | None = None
    latency_p90_seconds: float | None = None
    hours_saved: float = 0.0
    corrected: int = 0
    accuracy: float | None = None
    llm_calls: int = 0
    llm_cost: float = 0.0
    by_label: dict[str, dict[str, Any]] = field(default_factory=dict)

    def summary(self) -> list[tuple[str, Any]]:
        """(name, value) rows in a fixed order: the table and the CSV."""
        return [
            ("since", self.since), ("until", self.until),
            ("messages_handled", self.handled), ("automated", self.automated),
            ("exceptions", self.exceptions), ("errors", self.errors),
            ("automated_share", self.automated_share), ("exception_rate", self.exception_rate),
            ("latency_median_seconds", self.latency_median_seconds),
            ("latency_p90_seconds", self.latency_p90_seconds),
            ("hours_saved", round(self.hours_saved, 2)),
            ("corrected", self.corrected), ("accuracy", self.accuracy),
            ("llm_calls", self.llm_calls), ("llm_cost", round(self.llm_cost, 4)),
        ]


def _rows(store: Store, since: datetime, until: datetime | None,
          mailbox: str | None) -> list[dict[str, Any]]:
    """Finished messages of the window; no ``until``: up to now, inclusive."""
    sql = ("SELECT id, mailbox, label, status, COALESCE(received_at, first_seen_at) AS arrived, "
           "finished_at FROM messages "
           "WHERE status IN ('done','exception','error') AND finished_at >= ?")
    params: list[Any] = [iso(since)]
    if until:
        sql += " AND finished_at < ?"
        params.append(iso(until))
    if mailbox:
        sql += " AND mailbox = ?"
        params.append(mailbox)
    return list(store.db.query(sql, params))


def _latency(row: dict[str, Any]) -> float | None:
    seen, done = _parse(row["arrived"]), _parse(row["finished_at"])
    return max(0.0, (done - seen).total_seconds()) if seen and done else None


def _corrected_ids(store: Store, ids: Iterable[int]) -> set[int]:
    """Messages among ``ids`` a person re-filed under another category."""
    wanted = set(ids)
    rows = store.db.execute(
        "SELECT DISTINCT message FROM corrections WHERE corrected IS NOT NULL "
        "AND (predicted IS NULL OR corrected != predicted)"
    )
    return {r[0] for r in rows if r[0] in wanted}


def compute(
    store: Store,
    since: datetime,
    until: datetime | None = None,
    *,
    minutes_for: Callable[[str | None], float] = lambda label: 0.0,
    mailbox: str | None = None,
) -> Kpis:
    """KPIs of the messages finished in ``[since, until)`` (no ``until``: up to now)."""
    rows = _rows(store, since, until, mailbox)
    kpis = Kpis(since=iso(since) or "", until=iso(until or utcnow()) or "")
    status = Counter(r["status"] for r in rows)
    kpis.handled = len(rows)
    kpis.automated, kpis.exceptions, kpis.errors = (status["done"], status["exception"],
                                                    status["error"])
    if rows:
        kpis.automated_share = round(kpis.automated / kpis.handled, 4)
        kpis.exception_rate = round(kpis.exceptions / kpis.handled, 4)
    latencies = [v for v in map(_latency, rows) if v is not None]
    if latencies:
        kpis.latency_median_seconds = round(statistics.median(latencies), 3)
        kpis.latency_p90_seconds = round(percentile(latencies, 0.9) or 0.0, 3)
    automated = [r for r in rows if r["status"] == "done"]
    corrected = _corrected_ids(store, (r["id"] for r in automated))
    kpis.corrected = len(corrected)
    if automated:
        kpis.accuracy = round(1 - len(corrected) / len(automated), 4)
    by_label: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"handled": 0, "automated": 0, "exceptions": 0, "hours_saved": 0.0})
    for row in rows:
        entry = by_label[row["label"] or "none"]
        entry["handled"] += 1
        if row["status"] == "done":
            entry["automated"] += 1
            entry["hours_saved"] += minutes_for(row["label"]) / 60.0
        elif row["status"] == "exception":
            entry["exceptions"] += 1
    for entry in by_label.values():
        entry["hours_saved"] = round(entry["hours_saved"], 3)
    kpis.by_label = dict(sorted(by_label.items()))
    kpis.hours_saved = sum(e["hours_saved"] for e in by_label.values())
    sql = "SELECT COUNT(*), COALESCE(SUM(cost), 0) FROM llm_calls WHERE created_at >= ?"
    params = [iso(since)]
    if until:
        sql += " AND created_at < ?"
        params.append(iso(until))
    if mailbox:
        sql += " AND message IN (SELECT id FROM messages WHERE mailbox = ?)"
        params.append(mailbox)
    calls, cost = store.db.execute(sql, params).fetchone()
    kpis.llm_calls, kpis.llm_cost = int(calls), float(cost)
    return kpis


@dataclass
class Day:
    """One day of the report's charts."""

    day: str
    by_label: dict[str, int] = field(default_factory=dict)
    handled: int = 0
    exceptions: int = 0
    latency_median_seconds: float | None = None
    latency_p90_seconds: float | None = None
    hours_saved: float = 0.0

    @property
    def exception_rate(self) -> float | None:
        return self.exceptions / self.handled if self.handled else None


def daily(
    store: Store,
    since: datetime,
    until: datetime | None = None,
    *,
    minutes_for: Callable[[str | None], float] = lambda label: 0.0,
    mailbox: str | None = None,
) -> list[Day]:
    """Per UTC day (of ``finished_at``): volume by label, exceptions, latency, hours saved."""
    days: dict[str, Day] = {}
    latencies: dict[str, list[float]] = defaultdict(list)
    for row in _rows(store, since, until, mailbox):
        key = row["finished_at"][:10]
        day = days.setdefault(key, Day(key))
        label = row["label"] or "none"
        day.by_label[label] = day.by_label.get(label, 0) + 1
        day.handled += 1
        if row["status"] == "exception":
            day.exceptions += 1
        elif row["status"] == "done":
            day.hours_saved += minutes_for(row["label"]) / 60.0
        value = _latency(row)
        if value is not None:
            latencies[key].append(value)
    for key, values in latencies.items():
        days[key].latency_median_seconds = statistics.median(values)
        days[key].latency_p90_seconds = percentile(values, 0.9)
    if days:  # quiet days are days too: charts must not close the gap
        day, last = min(days), max(days)
        while day < last:
            day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
            days.setdefault(day, Day(day))
    return [days[k] for k in sorted(days)]


AUDIT_COLUMNS = (
    "id", "mailbox", "folder", "source_id", "message_id", "content_hash", "subject", "sender",
    "sent_at", "received_at", "first_seen_at", "finished_at", "status", "attempts", "label",
    "confidence", "model_version", "tier", "rule", "reason", "outcome", "exception_code",
    "last_error",
)
ACTION_COLUMNS = ("seq", "kind", "target", "rule", "state", "result", "error", "updated_at")


def audit_rows(
    store: Store, since: datetime | None = None, until: datetime | None = None,
    mailbox: str | None = None,
) -> Iterable[dict[str, Any]]:
    """Every decision first seen in ``[since, until)``, oldest first, with its actions.

    Message rows are read up front (metadata only, never the stored message text); the
    actions are read per message as the caller goes.
    """
    where, params = ["1=1"], []
    if since:
        where.append("first_seen_at >= ?")
        params.append(iso(since))
    if until:
        where.append("first_seen_at < ?")
        params.append(iso(until))
    if mailbox:
        where.append("mailbox = ?")
        params.append(mailbox)
    sql = (f"SELECT {', '.join(AUDIT_COLUMNS)} FROM messages WHERE {' AND '.join(where)} "
           "ORDER BY id")
    for row in list(store.db.query(sql, params)):
        row["actions"] = list(store.db.query(
            f"SELECT {', '.join(ACTION_COLUMNS)} FROM actions WHERE message=? ORDER BY seq",
            [row["id"]],
        ))
        yield row
