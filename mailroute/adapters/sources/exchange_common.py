"""What the EWS and Graph sources share: folder paths, retries due, throttling, metrics.

Both sources keep the same design: new mail comes from the server's change tracking
(SyncFolderItems state or a Graph delta link) stored in the ``checkpoints`` table, and the
checkpoint only moves on once every message of that round has been handed to the pipeline
(so each has a row in the store). Messages whose attempt failed are fetched again by id
when their retry is due, because the change tracking will not report them a second time.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from prometheus_client import CollectorRegistry, Counter

from ...errors import SourceError
from ..store import Store, iso, utcnow

T = TypeVar("T")

# Tags with this name set the follow-up flag instead of a category.
FLAG_TAG = "$flagged"

# Folder names that mean the server's own (well-known / distinguished) folder.
WELL_KNOWN = ("inbox", "archive", "deleteditems", "junkemail", "drafts", "sentitems")


def split_path(folder: str) -> list[str]:
    """``Finance/Invoices`` -> ``["Finance", "Invoices"]``; empty parts are dropped."""
    return [part.strip() for part in folder.split("/") if part.strip()]


def due_retries(store: Store, mailbox: str, folder: str, now: datetime | None = None
                ) -> list[str]:
    """Source ids of messages in ``folder`` left unfinished whose retry is due now."""
    rows = store.db.execute(
        "SELECT source_id FROM messages WHERE mailbox=? AND folder=? "
        "AND status IN ('pending','failed') "
        "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id",
        [mailbox, folder, iso(now or utcnow())],
    )
    return [r[0] for r in rows]


def message_id_of(store: Store, mailbox: str, folder: str, source_id: str) -> str:
    """The Message-ID recorded for a message (to find it again after a move), or ``""``."""
    row = store.db.execute(
        "SELECT message_id FROM messages WHERE mailbox=? AND folder=? AND source_id=?",
        [mailbox, folder, source_id],
    ).fetchone()
    return (row[0] or "") if row else ""


class ExchangeMetrics:
    """Throttling seen from Exchange servers, per mailbox (bounded: names come from config)."""

    def __init__(self, registry: CollectorRegistry):
        self.throttled = Counter(
            "mailroute_source_throttled_total",
            "Requests a mail server refused as throttled (ErrorServerBusy, HTTP 429/503).",
            ["mailbox"], registry=registry,
        )
        self.throttle_wait = Counter(
            "mailroute_source_throttle_wait_seconds_total",
            "Seconds spent waiting because a mail server asked us to back off.",
            ["mailbox"], registry=registry,
        )


_metrics: weakref.WeakKeyDictionary[CollectorRegistry, ExchangeMetrics] = (
    weakref.WeakKeyDictionary()
)
_metrics_lock = threading.Lock()


def exchange_metrics(registry: CollectorRegistry | None) -> ExchangeMetrics:
    """One ExchangeMetrics per registry (several mailboxes share it)."""
    registry = registry or CollectorRegistry()
    with _metrics_lock:
        if registry not in _metrics:
            _metrics[registry] = ExchangeMetrics(registry)
        return _metrics[registry]


class Throttled(Exception):
    """Raised by a request function when the server asks to back off ``seconds``."""

    def __init__(self, seconds: float | None, detail: str = ""):
        self.seconds = seconds
        self.detail = detail
        super().__init__(detail or "server busy")


class Backoff:
    """Retries a call the server throttled, honouring its hint within bounds.

    Waits are interruptible: once ``stop`` is set the call gives up with SourceError, so a
    throttled mailbox never delays shutdown. After ``retries`` refusals the error goes up
    to the daemon, which reconnects with its own back-off.
    """

    def __init__(self, mailbox: str, metrics: ExchangeMetrics, *, retries: int,
                 max_wait: float, default_wait: float = 30.0):
        self.mailbox = mailbox
        self.metrics = metrics
        self.retries = retries
        self.max_wait = max_wait
        self.default_wait = default_wait
        self.stop = threading.Event()

    def call(self, fn: Callable[[], T], what: str) -> T:
        attempt = 0
        while True:
            try:
                return fn()
            except Throttled as exc:
                self.metrics.throttled.labels(self.mailbox).inc()
                wait = exc.seconds if exc.seconds is not None else self.default_wait
                if attempt >= self.retries or wait > self.max_wait:
                    raise SourceError(
                        f"mailbox {self.mailbox}: {what}: server busy (asked to wait "
                        f"{wait:.0f} s, {attempt} retries done): {exc.detail}"
                    ) from None
                attempt += 1
                self.metrics.throttle_wait.labels(self.mailbox).inc(wait)
                if self.stop.wait(max(0.0, wait)):
                    raise SourceError(f"mailbox {self.mailbox}: stopping while throttled"
                                      ) from None
