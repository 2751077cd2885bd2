"""Process what a mailbox holds now, a fetched batch at a time, LLM-bound messages
concurrently.

The daemon gives each mailbox one thread. Messages the LLM tier will be asked about are
handed to a bounded pool shared by all mailboxes (``[llm] concurrency``); the others finish
at once on the mailbox thread, so a slow model stalls no cheap message.

Why the exactly-once journal still holds:
- each fetched message is processed by exactly one thread (one ``process_batch`` call per
  fetched batch; the pipeline hands each LLM-bound message to one pool task);
- the call returns only when every message of the batch is finished, so the next fetch
  cannot yield a message still in flight (no two threads ever claim the same message);
- every call into the source (fetch steps, apply, reconcile, finished) is serialised by
  one lock per source, because a source (e.g. one IMAP connection) is not thread-safe;
- the store is already thread-safe, and each message's journal is its own rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .adapters.sources.base import Source
from .core.message import RawMail
from .pipeline import Pipeline

log = logging.getLogger("mailroute.runner")

class LockedSource:
    """A source whose every call, including each step of a fetch, holds one lock."""

    def __init__(self, source: Source):
        self._source = source
        self._lock = threading.RLock()
        self.name = source.name

    def _locked_steps(self, iterator: Iterator[Any]) -> Iterator[Any]:
        while True:
            with self._lock:
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item

    def fetch(self) -> Iterator[RawMail]:
        return self._locked_steps(iter(self._source.fetch()))

    def fetch_batches(self) -> Iterator[list[RawMail]]:
        return self._locked_steps(iter(fetch_in_batches(self._source)))

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._source, attr)
        if not callable(value):
            return value

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return value(*args, **kwargs)

        return locked


def fetch_in_batches(source: Source) -> Iterator[list[RawMail]]:
    """What the source fetches together (``fetch_batches``, e.g. one IMAP ``UID FETCH``),
    or, for a source without it, one message at a time (see ``Source``: pulling ahead
    could move its checkpoint past messages not yet claimed)."""
    batches = getattr(source, "fetch_batches", None)
    if batches is not None:
        return iter(batches())
    return ([raw] for raw in source.fetch())


def process_all(pipeline: Pipeline, source: Source, pool: ThreadPoolExecutor | None,
                stop: threading.Event | None = None) -> int:
    """Process every message ``source`` yields now, a fetched batch at a time; returns how
    many were handled. With the LLM tier and a pool, LLM-bound messages finish in the pool
    (each batch waits for its own before the next is fetched)."""
    concurrent = pool is not None and pipeline.llm is not None
    target: Any = LockedSource(source) if concurrent else source
    count = 0
    for batch in fetch_in_batches(target):
        pipeline.process_batch(batch, target, pool if concurrent else None)
        count += len(batch)
        if stop is not None and stop.is_set():
            break
    return count
