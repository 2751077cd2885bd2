"""The contract every mailbox source keeps, whatever the server behind it."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from ...core.message import RawMail
from ...core.rules import Action


@runtime_checkable
class Source(Protocol):
    """A watched mailbox.

    ``fetch`` yields messages that are not known to be finished; ``apply`` carries out one
    action and returns a short result text, raising on failure; ``reconcile`` tells whether
    an action journalled as intended already took effect (after a crash), so it is not done
    twice; ``contains`` tells whether a message is still where it was found.

    A source's checkpoint may move on only once the caller asked for the next message, i.e.
    after it claimed the last one. A source that offers ``fetch_batches()`` (lists of
    messages handled together) keeps the same rule per list; the runner gives a source
    without it one message at a time, because pulling ahead could move its checkpoint past
    messages not yet claimed.
    """

    name: str

    def connect(self) -> None: ...

    def fetch(self) -> Iterator[RawMail]: ...

    def apply(self, raw: RawMail, action: Action) -> str: ...

    def reconcile(self, folder: str, source_id: str, action: Action) -> bool: ...

    def contains(self, folder: str, source_id: str) -> bool: ...

    def finished(self, raw: RawMail) -> None: ...

    def wait(self, stop: threading.Event) -> None: ...

    def close(self) -> None: ...


def apply_all(source: Source, items: Sequence[tuple[RawMail, Action]]
              ) -> list[str | Exception]:
    """Carry out one action on each of several messages: a result text or the error, per item.

    A source that can do many at once (IMAP: one command per folder and target) offers
    ``apply_batch`` with this contract; any other source gets one ``apply`` per item.
    """
    batch = getattr(source, "apply_batch", None)
    if batch is not None:
        return batch(items)
    results: list[str | Exception] = []
    for raw, action in items:
        try:
            results.append(source.apply(raw, action))
        except Exception as exc:  # reported per item; the other items still run
            results.append(exc)
    return results


class BatchFetching:
    """For a source whose natural read is ``fetch_batches``: ``fetch`` is its messages one
    by one (the checkpoint rule of ``Source`` holds per message as well)."""

    def fetch_batches(self) -> Iterator[list[RawMail]]:
        raise NotImplementedError

    def fetch(self) -> Iterator[RawMail]:
        for batch in self.fetch_batches():
            yield from batch


def in_lists(messages: Iterator[RawMail], size: int) -> Iterator[list[RawMail]]:
    """Consecutive lists of up to ``size`` messages, for a ``fetch_batches`` whose source
    keeps no checkpoint (or moves it only after the generator ends): the next message is
    not requested before the current list is handled."""
    batch: list[RawMail] = []
    for raw in messages:
        batch.append(raw)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
