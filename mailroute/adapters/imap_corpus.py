"""A labelled corpus from a live IMAP mailbox: how a team already files its mail.

Each folder matching one of the patterns is a label (``Finance/Invoices``, levels joined with
``/`` whatever the server's delimiter, below the mailbox's ``folder_prefix``). Messages are
read with ``BODY.PEEK[]`` on a read-only selection, so nothing on the server changes (not even
the \\Seen flag). Connecting and logging in are the IMAP adapter's (``open_client``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime

from ..config.imap import ImapMailbox
from ..core.message import RawMail
from ..errors import SourceError
from .sources.imap_connect import NETWORK_ERRORS, open_client

FETCH_BATCH = 200


def _label(name: str, delimiter: str | None, prefix: str) -> str:
    parts = name.split(delimiter) if delimiter else [name]
    wanted = [p for p in prefix.split("/") if p]
    if wanted and [p.upper() for p in parts[: len(wanted)]] == [p.upper() for p in wanted]:
        parts = parts[len(wanted):]
    return "/".join(parts)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def load_from_imap(
    cfg: ImapMailbox, patterns: list[str], *, progress: Callable[[str, int, int], None] | None
    = None,
) -> list[tuple[str, RawMail]]:
    """Read every message of the folders matching ``patterns`` (``Finance/*``, ``HR/*``)."""
    from imapclient.exceptions import IMAPClientError

    step = progress or (lambda _s, _d, _t: None)
    client = open_client(cfg)
    out: list[tuple[str, RawMail]] = []
    try:
        listing = [(_text(name), _text(delim) if delim else None, flags)
                   for flags, delim, name in client.list_folders()]
        chosen = sorted(
            (label, name) for name, delim, flags in listing
            if b"\\Noselect" not in flags and b"\\NonExistent" not in flags
            for label in [_label(name, delim, cfg.folder_prefix)]
            if any(fnmatch.fnmatchcase(label, p.strip()) for p in patterns if p.strip())
        )
        if not chosen:
            names = ", ".join(sorted(_label(n, d, cfg.folder_prefix) for n, d, _ in listing))
            raise SourceError(f"mailbox {cfg.name}: no folder matches "
                              f"{', '.join(patterns)!r}; folders are: {names or '(none)'}")
        for label, name in chosen:
            status = client.select_folder(name, readonly=True)
            uidvalidity = int(status.get(b"UIDVALIDITY", 0))
            uids = sorted(client.search("ALL"))
            for start in range(0, len(uids), FETCH_BATCH):
                batch = uids[start: start + FETCH_BATCH]
                fetched = client.fetch(batch, [b"BODY.PEEK[]", b"INTERNALDATE"])
                for uid in batch:
                    item = fetched.get(uid) or {}
                    data = item.get(b"BODY[]")
                    if data is None:
                        continue  # expunged meanwhile
                    when = item.get(b"INTERNALDATE")
                    if isinstance(when, datetime) and when.tzinfo is None:
                        when = when.replace(tzinfo=UTC)
                    out.append((label, RawMail(cfg.name, label, f"{uidvalidity}:{uid}", data,
                                               received_at=when)))
                step(f"reading {label}"[:24], start + len(batch), len(uids))
    except NETWORK_ERRORS as exc:
        raise SourceError(f"mailbox {cfg.name}: connection lost while reading: {exc}") from None
    except IMAPClientError as exc:
        raise SourceError(f"mailbox {cfg.name}: {exc}") from None
    finally:
        with suppress(Exception):  # a broken connection has nothing left to close cleanly
            client.logout()
    return out
