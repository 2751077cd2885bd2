"""The contract every mailbox source keeps, whatever the server behind it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
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
