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
