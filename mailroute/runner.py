"""Process what a mailbox holds now, with LLM-bound messages running concurrently.

The daemon gives each mailbox one thread. Messages the LLM tier will be asked about are
handed to a bounded pool shared by all mailboxes (``[llm] concurrency``); the others are
processed at once on the mailbox thread, so a slow model stalls no cheap message.

Why the exactly-once journal still holds:
- each fetched message is processed by exactly one thread (one ``process`` call per fetch);
- the call returns only when every message of this fetch is finished, so the next fetch
  cannot yield a message still in flight (no two threads ever claim the same message);
- every call into the source (fetch steps, apply, reconcile, finished) is serialised by
  one lock per source, because a source (e.g. one IMAP connection) is not thread-safe;
- the store is already thread-safe, and each message's journal is its own rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from .adapters.sources.base import Source
from .core.message import RawMail
from .pipeline import Pipeline

log = logging.getLogger("mailroute.runner")

DEFAULT_BATCH = 50  # messages handled together when the source does not say


def batched(items: Iterable[RawMail], size: int) -> Iterator[list[RawMail]]:
    """Consecutive lists of up to ``size`` items. The next item is not requested before the
    current list is handled, so a lazy source fetches no further ahead than one batch."""
    batch: list[RawMail] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class LockedSource:
    """A source whose every call, including each step of ``fetch``, holds one lock."""

    def __init__(self, source: Source):
        self._source = source
        self._lock = threading.RLock()
        self.name = source.name

    def fetch(self) -> Iterator[RawMail]:
        iterator = iter(self._source.fetch())
        while True:
            with self._lock:
                try:
                    raw = next(iterator)
                except StopIteration:
                    return
            yield raw

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._source, attr)
        if not callable(value):
            return value

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return value(*args, **kwargs)

        return locked


def process_all(pipeline: Pipeline, source: Source, pool: ThreadPoolExecutor | None,
                stop: threading.Event | None = None) -> int:
    """Process every message ``source`` yields now; returns how many were handled."""
    count = 0
    if pool is None or pipeline.llm is None:
        # as many at a time as the source fetches at a time (IMAP: one UID FETCH)
        batches = getattr(source, "fetch_batches", None)
        for batch in batches() if batches else batched(source.fetch(), DEFAULT_BATCH):
            pipeline.process_batch(batch, source)
            count += len(batch)
            if stop is not None and stop.is_set():
                break
        return count
    locked = LockedSource(source)
    pending: list[Future] = []
    try:
        for raw in locked.fetch():
            try:
                slow = pipeline.wants_llm(raw)
            except Exception:  # deciding where to run it must not lose it: run it here
                log.exception("could not pre-classify %s/%s", raw.mailbox, raw.source_id)
                slow = False
            if slow:
                pending.append(pool.submit(pipeline.process, raw, locked))  # type: ignore[arg-type]
            else:
                pipeline.process(raw, locked)  # type: ignore[arg-type]
            count += 1
            if stop is not None and stop.is_set():
                break
    finally:
        for future in pending:  # finish this fetch before the next one can start
            try:
                future.result()
            except Exception:
                log.exception("LLM-bound message failed in the pool")
    return count
