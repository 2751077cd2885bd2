"""Retention: after ``[store] retention_days`` remove message text, keep the decision trail.

Pruned (set to NULL): the stored message (``messages.message``: body, headers, attachments),
LLM prompt and response text (``llm_calls.prompt``/``response``; their SHA-256 stays),
extracted field values (``fields.value``; name and validation status stay), summaries
(``summaries.summary`` and ``messages.summary``; language and template version stay), the
free-text detail of attachments that failed to be read (``attachment_texts.detail`` of
``error``/``skipped`` rows: an exception text can quote the document; the structured details
of the other rows, such as page counts and sizes, stay), and the copy of the original bytes
kept for a send once that send is no longer waiting (``outbox.raw``). Rows of the LLM
response cache (``llm_cache``) older than the cutoff are deleted: they hold answers (field
values, summaries) and are rebuilt by the next call for the same content.

Kept: every message row's metadata (mailbox, ids, hash, subject, sender, times, label,
confidence, tier, rule, reason, outcome), every action with its result, LLM call
metadata, corrections. Only finished messages (done, exception, error) older than the
cutoff are touched; a queued send keeps its copy whatever its age.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from .metrics import Metrics
from .store import Store, iso, utcnow

log = logging.getLogger("mailroute.retention")

PRUNE_EVERY_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class PruneResult:
    """How many stored texts one prune removed, by kind."""

    messages: int = 0
    llm_calls: int = 0
    fields: int = 0
    outbox: int = 0
    summaries: int = 0
    attachment_texts: int = 0
    llm_cache: int = 0

    @property
    def total(self) -> int:
        return (self.messages + self.llm_calls + self.fields + self.outbox + self.summaries
                + self.attachment_texts + self.llm_cache)


def cutoff_for(days: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


def prune(store: Store, before: datetime) -> PruneResult:
    """Remove the texts of messages finished before ``before``; one transaction."""
    stamp = iso(before)
    old = ("SELECT id FROM messages WHERE status IN ('done','exception','error') "
           "AND finished_at IS NOT NULL AND finished_at < ?")
    with store.transaction() as db:
        messages = db.execute(
            f"UPDATE messages SET message=NULL WHERE message IS NOT NULL AND id IN ({old})",
            [stamp],
        ).rowcount
        # LLM calls are pruned by their own age too: a call for a message still pending
        # keeps its text until the message is finished and old.
        llm_calls = db.execute(
            "UPDATE llm_calls SET prompt=NULL, response=NULL "
            "WHERE (prompt IS NOT NULL OR response IS NOT NULL) AND created_at < ? "
            f"AND (message IS NULL OR message IN ({old}))",
            [stamp, stamp],
        ).rowcount
        fields = db.execute(
            f"UPDATE fields SET value=NULL WHERE value IS NOT NULL AND message IN ({old})",
            [stamp],
        ).rowcount
        outbox = db.execute(
            "UPDATE outbox SET raw=NULL WHERE raw IS NOT NULL AND created_at < ? "
            "AND action IN (SELECT id FROM actions WHERE state != 'queued') "
            f"AND message IN ({old})",
            [stamp, stamp],
        ).rowcount
        summaries = db.execute(
            f"UPDATE summaries SET summary=NULL WHERE summary IS NOT NULL AND message IN ({old})",
            [stamp],
        ).rowcount
        db.execute(f"UPDATE messages SET summary=NULL WHERE summary IS NOT NULL AND id IN ({old})",
                   [stamp])  # the copy the sender reads; counted with summaries
        attachment_texts = db.execute(
            "UPDATE attachment_texts SET detail=NULL WHERE detail IS NOT NULL "
            f"AND status IN ('error', 'skipped') AND message IN ({old})",
            [stamp],
        ).rowcount
        llm_cache = db.execute("DELETE FROM llm_cache WHERE created_at < ?", [stamp]).rowcount
    return PruneResult(messages, llm_calls, fields, outbox, summaries, attachment_texts,
                       llm_cache)


class Pruner:
    """Runs :func:`prune` at most once an hour from the daemon's main loop."""

    def __init__(self, store: Store, retention_days: int, metrics: Metrics | None = None,
                 every: float = PRUNE_EVERY_SECONDS):
        self.store = store
        self.retention_days = retention_days
        self.metrics = metrics
        self.every = every
        self._next = 0.0  # the first call prunes at once

    def maybe_run(self) -> PruneResult | None:
        if not self.retention_days or time.monotonic() < self._next:
            return None
        self._next = time.monotonic() + self.every
        try:
            result = prune(self.store, cutoff_for(self.retention_days))
        except Exception as exc:  # retention must never stop the daemon; try next hour
            log.error("retention prune failed", extra={"fields": {"error": str(exc)}})
            return None
        if self.metrics:
            for kind, count in asdict(result).items():
                self.metrics.pruned.labels(kind).inc(count)
        if result.total:
            log.info("retention prune", extra={"fields": {"days": self.retention_days,
                                                           **asdict(result)}})
        return result
