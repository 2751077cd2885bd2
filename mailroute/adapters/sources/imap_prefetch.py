"""Reading the next batch on a second connection while the current one is handled.

The pipeline spends most of a batch parsing and classifying; meanwhile the server can send
the next batch's bodies. Doing that on the source's own connection would need IMAP
pipelining, which imapclient does not offer; a second, read-only connection (one thread)
does it plainly. It only ever runs ``SELECT``/``EXAMINE`` and ``UID FETCH``: searches,
actions and IDLE stay on the main connection, so nothing here can act on a message.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from ...errors import SourceError
from .imap_connect import NETWORK_ERRORS


class Prefetcher:
    """One extra connection and one thread; opened at the first request, not before."""

    def __init__(self, name: str, open_client: Callable[[], IMAPClient]):
        self.name = name
        self._open = open_client
        self._client: IMAPClient | None = None
        self._selected: tuple[str, bool] | None = None
        self._pool: ThreadPoolExecutor | None = None

    def submit(self, folder: str, uidvalidity: int, uids: list[int], items: list[bytes],
               readonly: bool) -> Future[dict[int, dict[bytes, Any]]]:
        """Start ``UID FETCH uids items`` in ``folder``; the future raises
        :class:`SourceError` when the connection fails or the folder's UIDVALIDITY is no
        longer ``uidvalidity`` (the UIDs would name other messages)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"imap-prefetch-{self.name}")
        return self._pool.submit(self._fetch, folder, uidvalidity, uids, items, readonly)

    def _fetch(self, folder: str, uidvalidity: int, uids: list[int], items: list[bytes],
               readonly: bool) -> dict[int, dict[bytes, Any]]:
        try:
            if self._client is None:
                self._client, self._selected = self._open(), None
            if self._selected != (folder, readonly):
                info = self._client.select_folder(folder, readonly=readonly)
                self._selected = (folder, readonly)
                if int(info[b"UIDVALIDITY"]) != uidvalidity:
                    self._selected = None
                    raise SourceError(f"mailbox {self.name}: UIDVALIDITY of {folder!r} "
                                      f"changed while reading ahead")
            return self._client.fetch(uids, items)
        except SourceError:
            raise
        except NETWORK_ERRORS as exc:
            self._drop_client()
            raise SourceError(f"mailbox {self.name}: read-ahead connection lost while "
                              f"fetching from {folder!r}: {type(exc).__name__}: {exc}") from None
        except IMAPClientError as exc:
            raise SourceError(f"mailbox {self.name}: server refused read-ahead fetch from "
                              f"{folder!r}: {exc}") from None

    def _drop_client(self) -> None:
        client, self._client, self._selected = self._client, None, None
        if client is not None:
            try:
                client.logout()
            except Exception:  # a dead connection cannot log out; just release the socket
                with suppress(Exception):
                    client.shutdown()

    def close(self) -> None:
        """Wait for a fetch in flight (bounded by the socket timeout), then log out."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        self._drop_client()
