"""Human corrections seen on an IMAP server: a person re-files a message mailroute handled.

Each category folder (``Finance/Invoices`` means ``invoice``) is read incrementally: only
UIDs above the last one looked at, so a pass costs one ``UID SEARCH`` per folder when
nothing moved. A message moved into a folder gets a new UID there, which is how a move is
noticed. Its Message-ID is looked up among the messages this mailbox handled; when the
folder's category differs from what the message is currently known as (the latest
correction, else the label of a routed message; a message left in exceptions is known as
nothing) a correction is recorded with :func:`record_correction`. mailroute's own moves
land in these folders too: they agree with the label, or are where a rule put the message,
and are not corrections.

Which folder means which category: a rule whose ``when.category`` names one label and that
moves to a folder maps that folder to the label; ``[mailboxes.corrections] folders`` adds to
or overrides that; a folder that two categories would share is left out (it cannot tell).

Re-tagging (servers with CONDSTORE): messages whose flags changed since the last look
(``UID SEARCH MODSEQ``) that now carry one category keyword mailroute did not set itself
(``tag = "claim"`` in a rule for ``claim`` -> ``$Claim``) are corrected to that category.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from email.parser import BytesHeaderParser
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from ..config.imap import ImapMailbox
from ..core.rules import Action, Rule
from ..errors import SourceError
from .checkpoints import Checkpoint, get_checkpoint, set_checkpoint
from .corrections import Correction, record_correction
from .sources.imap_connect import NETWORK_ERRORS, open_client
from .sources.imap_names import keyword_for, server_folder
from .store import Store

log = logging.getLogger("mailroute.corrections")

CHECKPOINT_PREFIX = "corrections:"  # checkpoints rows of the watcher, apart from the source's
TAGS_PREFIX = "corrections-tags:"  # per folder: UIDVALIDITY and the HIGHESTMODSEQ looked at
FETCH_BATCH = 200
RETRY_MAX = 300.0
_HEADER = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"


def _single_category(rule: Rule) -> str | None:
    """The one category a rule routes, or None (no category, or several)."""
    category = rule.when.category
    if isinstance(category, list):
        return category[0] if len(category) == 1 else None
    return category or None


def _unambiguous(rules: Iterable[Rule], key: Callable[[Action], str | None]) -> dict[str, str]:
    """``key(action)`` -> category over single-category rules; keys two categories share are
    dropped, since seeing them would not tell which category a person meant."""
    seen: dict[str, set[str]] = {}
    for rule in rules:
        category = _single_category(rule)
        if category is None:
            continue
        for action in rule.actions:
            found = key(action)
            if found:
                seen.setdefault(found, set()).add(category)
    return {k: next(iter(cats)) for k, cats in seen.items() if len(cats) == 1}


def category_folders(rules: Iterable[Rule], explicit: dict[str, str] | None = None
                     ) -> dict[str, str]:
    """Route target -> category: from rules with one category and a ``move``, then
    ``explicit`` (category -> target) on top. Targets two categories share are dropped."""
    derived = _unambiguous(
        rules, lambda a: _norm(a.target) if a.kind == "move" and a.target else None)
    overridden = {_norm(t) for t in (explicit or {}).values()}
    explicit_labels = set(explicit or {})
    # an explicit folder for a category replaces the folders derived for it
    out = {t: c for t, c in derived.items() if t not in overridden and c not in explicit_labels}
    out.update({_norm(target): label for label, target in (explicit or {}).items()})
    return out


def category_keywords(rules: Iterable[Rule]) -> dict[str, str]:
    """IMAP keyword (lower case) -> category, from rules with one category and a ``tag``
    (``tag = "invoice"`` -> ``$invoice``). Keywords two categories share are dropped."""
    def keyword(action: Action) -> str | None:
        found = keyword_for(action.target) if action.kind == "tag" else None
        return found.lower() if found else None

    return _unambiguous(rules, keyword)


def _norm(target: str) -> str:
    return "/".join(p for p in target.split("/") if p)


def _message_id(header: bytes) -> str:
    value = BytesHeaderParser().parsebytes(header).get("Message-ID") or ""
    return " ".join(str(value).split())


class CorrectionWatcher:
    """Watches one IMAP mailbox's category folders; one connection of its own, one thread."""

    def __init__(
        self,
        cfg: ImapMailbox,
        store: Store,
        rules: Callable[[], Sequence[Rule]],
        *,
        exceptions_folder: str = "Exceptions",
        connect: Callable[[ImapMailbox], IMAPClient] = open_client,
    ):
        self.cfg = cfg
        self.name = cfg.name
        self.store = store
        self.rules = rules
        self.settings = cfg.corrections
        self.exceptions_folder = cfg.exceptions_folder or exceptions_folder
        self.interval = self.settings.interval_seconds if self.settings else 300.0
        self._open = connect
        self._client: IMAPClient | None = None
        self._delimiter: str | None = "."
        self._caps: set[bytes] = set()

    # -- connection ----------------------------------------------------------------------

    def connect(self) -> None:
        self.close()
        self._client = self._open(self.cfg)
        with self._io("reading capabilities and the folder delimiter"):
            self._caps = {bytes(c).upper() for c in self._client.capabilities()}
            listed = self._client.list_folders("", "")
        self._delimiter = listed[0][1].decode() if listed and listed[0][1] else None

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.logout()
            except Exception:  # a dead connection cannot log out; release the socket
                with suppress(Exception):
                    client.shutdown()

    @contextmanager
    def _io(self, what: str) -> Iterator[None]:
        try:
            yield
        except NETWORK_ERRORS as exc:
            self.close()
            raise SourceError(f"mailbox {self.name}: connection lost while {what} "
                              f"(corrections): {type(exc).__name__}: {exc}") from None
        except IMAPClientError as exc:
            raise SourceError(f"mailbox {self.name}: server refused {what} (corrections): "
                              f"{exc}") from None

    # -- one pass ------------------------------------------------------------------------

    def folders(self) -> dict[str, str]:
        """Server folder name -> category, from the rules in force and the config."""
        explicit = self.settings.folders if self.settings else {}
        return {server_folder(target, self.cfg.folder_prefix, self._delimiter): label
                for target, label in category_folders(self.rules(), explicit).items()}

    def scan(self) -> list[Correction]:
        """Look once at every category folder (moves), then at keyword changes (re-tags)."""
        if self._client is None:
            self.connect()
        recorded: list[Correction] = []
        folders = self.folders()
        for folder, label in sorted(folders.items()):
            recorded += self._scan_folder(folder, label)
        keywords = category_keywords(self.rules())
        if keywords and b"CONDSTORE" in self._caps:
            exceptions = server_folder(self.exceptions_folder, self.cfg.folder_prefix,
                                       self._delimiter)
            for folder in sorted({*folders, exceptions, *self.cfg.folders}):
                recorded += self._scan_keywords(folder, keywords)
        return recorded

    def _scan_folder(self, folder: str, label: str) -> list[Correction]:
        client = self._client
        assert client is not None
        with self._io(f"checking folder {folder!r}"):
            if not client.folder_exists(folder):
                return []  # nothing routed or filed there yet
            info = client.select_folder(folder, readonly=True)
        uidvalidity = int(info[b"UIDVALIDITY"])
        key = CHECKPOINT_PREFIX + folder
        cp = get_checkpoint(self.store, self.name, key)
        # a new UIDVALIDITY renumbers everything: look at the whole folder again (the
        # "latest correction" check keeps that from recording anything twice)
        last = cp.last_uid if cp.uidvalidity == uidvalidity else 0
        with self._io(f"searching {folder!r}"):
            uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
        recorded: list[Correction] = []
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start:start + FETCH_BATCH]
            with self._io(f"reading Message-IDs in {folder!r}"):
                items = client.fetch(batch, [b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
            for uid in batch:
                header = (items.get(uid) or {}).get(_HEADER)
                message_id = _message_id(bytes(header)) if header else ""
                if message_id:
                    found = self._consider(message_id, folder, label)
                    if found is not None:
                        recorded.append(found)
            set_checkpoint(self.store, Checkpoint(self.name, key, uidvalidity, batch[-1]))
        if cp.uidvalidity != uidvalidity and not uids:
            set_checkpoint(self.store, Checkpoint(self.name, key, uidvalidity, last))
        return recorded

    def _scan_keywords(self, folder: str, keywords: dict[str, str]) -> list[Correction]:
        """Messages whose flags changed since the last look (CONDSTORE ``MODSEQ``) and that
        now carry a category keyword mailroute did not set: a person re-tagged them."""
        client = self._client
        assert client is not None
        with self._io(f"checking folder {folder!r}"):
            if not client.folder_exists(folder):
                return []
            status = client.folder_status(folder, [b"UIDVALIDITY", b"HIGHESTMODSEQ"])
        uidvalidity = int(status[b"UIDVALIDITY"])
        highest = int(status.get(b"HIGHESTMODSEQ", 0))
        key = TAGS_PREFIX + folder
        cp = get_checkpoint(self.store, self.name, key)
        # first look (or a new UIDVALIDITY): every message once, from modseq 1
        since = cp.last_uid if cp.uidvalidity == uidvalidity else 0
        if highest <= since:
            return []  # nothing changed: one STATUS per folder and pass
        with self._io(f"searching {folder!r} for changed flags"):
            client.select_folder(folder, readonly=True)
            uids = client.search(["MODSEQ", str(since + 1)])
        recorded: list[Correction] = []
        for start in range(0, len(uids), FETCH_BATCH):
            batch = sorted(uids)[start:start + FETCH_BATCH]
            with self._io(f"reading flags in {folder!r}"):
                items = client.fetch(batch, [b"FLAGS", b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
            for item in items.values():
                header = item.get(_HEADER)
                message_id = _message_id(bytes(header)) if header else ""
                found = {keywords[f] for flag in item.get(b"FLAGS", ())
                         if (f := bytes(flag).decode("ascii", "replace").lower()) in keywords}
                if message_id and found:
                    correction = self._consider_tags(message_id, folder, found, keywords)
                    if correction is not None:
                        recorded.append(correction)
        set_checkpoint(self.store, Checkpoint(self.name, key, uidvalidity, highest))
        return recorded

    def _consider_tags(self, message_id: str, folder: str, found: set[str],
                       keywords: dict[str, str]) -> Correction | None:
        row = self._handled(message_id)
        if row is None:
            return None
        # keywords mailroute set itself say nothing about what a person thinks
        own = {keywords.get((keyword_for(t or "") or "").lower()) for (t,) in self.store.db.execute(
            "SELECT target FROM actions WHERE message = ? AND kind = 'tag' AND state = 'done'",
            [row["id"]])}
        known = self._known(row)
        added = found - own - {known}
        if len(added) != 1:
            return None  # none, or several categories at once: cannot tell which is meant
        return self._record(row, added.pop(), f"imap:{folder}", "keyword")

    def _known(self, row: dict[str, Any]) -> str | None:
        """What a handled message is known as: its latest correction, else its label when
        routed, else (left in exceptions) nothing."""
        latest = self.store.db.execute(
            "SELECT corrected FROM corrections WHERE message = ? ORDER BY id DESC LIMIT 1",
            [row["id"]],
        ).fetchone()
        if latest is not None:
            return latest[0]
        return row["label"] if row["status"] == "done" else None

    def _record(self, row: dict[str, Any], label: str, source: str, how: str) -> Correction:
        correction = record_correction(self.store, row["id"], label, who=self.cfg.username,
                                       source=source)
        log.info("correction recorded", extra={"fields": {
            "mailbox": self.name, "message": row["id"], "source": source, "seen_by": how,
            "predicted": correction.predicted, "corrected": label}})
        return correction

    def _consider(self, message_id: str, folder: str, label: str) -> Correction | None:
        row = self._handled(message_id)
        if row is None:
            return None  # not mail this mailbox handled (or still in progress)
        latest = self.store.db.execute(
            "SELECT corrected FROM corrections WHERE message = ? ORDER BY id DESC LIMIT 1",
            [row["id"]],
        ).fetchone()
        if latest is not None:
            known = latest[0]
        elif row["status"] == "done":
            if self._routed_here(row["id"], folder):
                return None  # a rule put it here: mailroute's own move, not a person's
            known = row["label"]
        else:
            known = None  # left in exceptions: any category folder is a person's decision
        if known == label:
            return None
        return self._record(row, label, f"imap:{folder}", "move")

    def _handled(self, message_id: str) -> dict[str, Any] | None:
        bare = message_id.strip("<>")
        row = self.store.db.execute(
            "SELECT id, status, label FROM messages WHERE mailbox = ? AND message_id IN (?, ?, ?) "
            "AND status IN ('done', 'exception') ORDER BY id DESC LIMIT 1",
            [self.name, message_id, bare, f"<{bare}>"],
        ).fetchone()
        return None if row is None else {"id": row[0], "status": row[1], "label": row[2]}

    def _routed_here(self, message: int, folder: str) -> bool:
        targets = self.store.db.execute(
            "SELECT target FROM actions WHERE message = ? AND kind = 'move' AND state = 'done'",
            [message],
        ).fetchall()
        return any(server_folder(t or "", self.cfg.folder_prefix, self._delimiter) == folder
                   for (t,) in targets)

    # -- the daemon's thread -------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Scan every ``interval`` until ``stop``; errors are logged and retried later."""
        delay = self.interval
        while not stop.is_set():
            try:
                self.scan()
                delay = self.interval
            except Exception as exc:  # never take the daemon down; try again later
                self.close()
                log.error("corrections watch failed", extra={"fields": {
                    "mailbox": self.name, "error": str(exc)}})
                delay = min(RETRY_MAX, max(self.interval, 30.0))
            stop.wait(delay)
        self.close()


def build_watchers(mailboxes: Iterable[Any], store: Store, rules: Callable[[], Sequence[Rule]],
                   exceptions_folder: str = "Exceptions") -> list[CorrectionWatcher]:
    """One watcher per IMAP mailbox with ``[mailboxes.corrections]`` enabled."""
    return [
        CorrectionWatcher(m, store, rules, exceptions_folder=exceptions_folder)
        for m in mailboxes
        if isinstance(m, ImapMailbox) and m.corrections is not None and m.corrections.enabled
    ]
