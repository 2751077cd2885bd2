"""An IMAP account as a mailbox source (imapclient): checkpoints, IDLE, actions, reconcile.

* Reading: per watched folder, ``UID SEARCH`` above the checkpoint, then ``UID FETCH
  BODY.PEEK[] INTERNALDATE`` in batches. ``source_id`` is ``"UIDVALIDITY:UID"``.
* Checkpoint (store, per mailbox/folder): UIDVALIDITY and the highest UID at or below which
  every message is finished. A failed message holds it back until it is finished.
* UIDVALIDITY change: the checkpoint restarts at 0 and, for UIDs that existed at the
  change, a message already handled (same Message-ID and content) is recorded again without
  acting (``Store.find_handled``).
* Waiting: IDLE on the first folder (re-issued every ``timeouts.idle_renew``) while the other
  folders are polled every ``poll_interval_seconds``; polling only when IDLE is off/missing.
* Errors: a broken connection raises :class:`SourceError` and drops the client (the daemon
  reconnects with back-off); a refused command in ``apply`` raises :class:`ActionError`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from ...config.imap import ImapMailbox
from ...core.message import RawMail
from ...core.parse import parse
from ...core.rules import Action
from ...errors import ActionError, SourceError
from ..checkpoints import Checkpoint, get_checkpoint, set_checkpoint
from ..store import Store, iso, utcnow
from .base import BatchFetching
from .imap_connect import NETWORK_ERRORS, open_client
from .imap_names import keyword_for, parse_source_id, server_folder, source_id

log = logging.getLogger("mailroute.imap")

FINISHED_STATUSES = ("done", "exception", "error")
IDLE_TICK = 0.5  # how often IDLE looks at the stop event: the daemon stops within this


@dataclass
class _Folder:
    """What we know about one watched folder in this session."""

    name: str
    uidvalidity: int | None = None
    checkpoint: int = 0
    resync_below: int = 0  # after a UIDVALIDITY change: UIDs below this may be handled mail
    present: list[int] = field(default_factory=list)  # UIDs above the checkpoint, last scan
    finished: set[int] = field(default_factory=set)
    scanned_next: int = 0  # UIDNEXT when the last scan started
    retry_at: float | None = None  # monotonic time the next failed message is due
    dirty: bool = False


def _uid_set(uids: list[int]) -> str:
    """``1:3,7`` for [1, 2, 3, 7]: short even for a whole fetch batch."""
    runs: list[str] = []
    ordered = sorted(set(uids))
    start = prev = ordered[0]
    for uid in [*ordered[1:], None]:
        if uid is not None and uid == prev + 1:
            prev = uid
            continue
        runs.append(str(start) if start == prev else f"{start}:{prev}")
        if uid is not None:
            start = prev = uid
    return ",".join(runs)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class ImapSource(BatchFetching):
    """One IMAP account, one connection, used only by its daemon thread."""

    def __init__(
        self,
        cfg: ImapMailbox,
        store: Store,
        *,
        exceptions_folder: str = "Exceptions",
        connect: Callable[[ImapMailbox], IMAPClient] = open_client,
    ):
        self.cfg = cfg
        self.name = cfg.name
        self.store = store
        self.exceptions_folder = cfg.exceptions_folder or exceptions_folder
        self._open = connect
        self._client: IMAPClient | None = None
        self._caps: set[bytes] = set()
        self._delimiter: str | None = "."
        self._selected: tuple[str, bool] | None = None
        self._select_info: dict[bytes, Any] = {}
        self._existing: set[str] = set()
        self._folders = {name: _Folder(name) for name in cfg.folders}

    # -- connection ----------------------------------------------------------------------

    def connect(self) -> None:
        self._drop()
        client = self._open(self.cfg)
        self._client = client
        self._selected = None
        self._existing = set()
        with self._io("reading capabilities and folder delimiter"):
            self._caps = {bytes(c).upper() for c in client.capabilities()}
            listed = client.list_folders("", "")
            self._delimiter = listed[0][1].decode() if listed and listed[0][1] else None
        for name, folder in self._folders.items():
            cp = get_checkpoint(self.store, self.name, name)
            state = json.loads(cp.state) if cp.state else {}
            folder.uidvalidity = cp.uidvalidity
            folder.checkpoint = cp.last_uid
            folder.resync_below = int(state.get("resync_below", 0))
            folder.present, folder.finished, folder.dirty = [], set(), False
        log.info("imap connected", extra={"fields": {
            "mailbox": self.name, "server": self.cfg.endpoint(), "tls": self.cfg.tls,
            "idle": self._idle_possible(), "move": b"MOVE" in self._caps,
        }})

    def close(self) -> None:
        try:
            self._persist_all()
        finally:
            self._drop()

    def _drop(self) -> None:
        client, self._client = self._client, None
        self._selected = None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # a dead connection cannot log out; just release the socket
            with suppress(Exception):
                client.shutdown()

    def _require(self) -> IMAPClient:
        if self._client is None:
            raise SourceError(f"mailbox {self.name}: not connected")
        return self._client

    @contextmanager
    def _io(self, what: str, refused: type[Exception] = SourceError) -> Iterator[None]:
        """Turn imapclient/socket errors into ours; a broken connection is dropped."""
        try:
            yield
        except (SourceError, ActionError):
            raise
        except NETWORK_ERRORS as exc:  # includes imaplib's abort (EOF, BYE)
            self._drop()
            raise SourceError(f"mailbox {self.name}: connection lost while {what}: "
                              f"{type(exc).__name__}: {exc}") from None
        except IMAPClientError as exc:
            raise refused(f"mailbox {self.name}: server refused {what}: {exc}") from None

    def _select(self, folder: str, *, readonly: bool = False, force: bool = False,
                refused: type[Exception] = SourceError) -> dict:
        if not force and self._selected in ((folder, readonly), (folder, False)):
            return self._select_info
        client = self._require()
        self._selected = None
        with self._io(f"selecting folder {folder!r}", refused):
            info = client.select_folder(folder, readonly=readonly)
        self._selected = (folder, readonly)
        self._select_info = info
        return info

    def _idle_possible(self) -> bool:
        return self.cfg.idle and b"IDLE" in self._caps

    # -- reading -------------------------------------------------------------------------

    def fetch_batches(self) -> Iterator[list[RawMail]]:
        """The messages of each ``UID FETCH``, one list at a time. The checkpoint moves on
        when the caller asks for the next list, i.e. after it handled this one."""
        self._require()
        for folder in self._folders.values():
            yield from self._fetch_folder(folder)

    def _fetch_folder(self, f: _Folder) -> Iterator[list[RawMail]]:
        client = self._require()
        info = self._select(f.name, force=True)
        uidvalidity = int(info[b"UIDVALIDITY"])
        uidnext = int(info.get(b"UIDNEXT", 0))
        self._check_uidvalidity(f, uidvalidity, uidnext)
        with self._io(f"searching {f.name!r}"):
            found = client.search(["UID", f"{f.checkpoint + 1}:*"])
        f.present = sorted(u for u in found if u > f.checkpoint)  # n:* always matches the last
        f.scanned_next = uidnext or (f.present[-1] + 1 if f.present else f.checkpoint + 1)
        todo = self._due(f)
        self._advance(f)
        wanted = [b"BODY[]" if self.cfg.mark_seen else b"BODY.PEEK[]", b"INTERNALDATE"]
        for batch in _chunks(todo, self.cfg.batch_size):
            self._select(f.name)  # an action may have selected another folder meanwhile
            with self._io(f"fetching from {f.name!r}"):
                items = self._require().fetch(batch, wanted)
            fetched: list[RawMail] = []
            for uid in batch:
                item = items.get(uid)
                if item is None or b"BODY[]" not in item:
                    continue  # expunged by someone else since the search
                raw = RawMail(
                    mailbox=self.name, folder=f.name, source_id=source_id(uidvalidity, uid),
                    data=bytes(item[b"BODY[]"]), received_at=_aware(item.get(b"INTERNALDATE")),
                )
                if uid < f.resync_below and self._already_handled(raw):
                    f.finished.add(uid)
                    continue
                fetched.append(raw)
            if fetched:
                yield fetched
            self._advance(f)
            self._persist(f)
        self._persist(f)

    def _check_uidvalidity(self, f: _Folder, uidvalidity: int, uidnext: int) -> None:
        if f.uidvalidity == uidvalidity:
            return
        if f.uidvalidity is not None:
            # Every UID is new now. Messages that existed at the change may have been handled
            # under the old UIDVALIDITY: those below UIDNEXT are matched by Message-ID+hash.
            log.warning("UIDVALIDITY changed: rescanning the folder without re-acting on "
                        "handled mail", extra={"fields": {
                            "mailbox": self.name, "folder": f.name, "old": f.uidvalidity,
                            "new": uidvalidity, "uids_to_check": max(0, uidnext - 1)}})
            f.resync_below = uidnext or 2**32
        f.uidvalidity, f.checkpoint = uidvalidity, 0
        f.present, f.finished, f.dirty = [], set(), True
        self._persist(f)

    def _due(self, f: _Folder) -> list[int]:
        """UIDs to fetch now: not finished, and not a failed message still in back-off."""
        now, f.retry_at = iso(utcnow()), None
        candidates = [u for u in f.present if u not in f.finished]
        rows: dict[str, tuple[str, str | None]] = {}
        for part in _chunks(candidates, 500):
            ids = [source_id(f.uidvalidity or 0, u) for u in part]
            marks = ",".join("?" * len(ids))
            for sid, status, next_at in self.store.db.execute(
                f"SELECT source_id, status, next_attempt_at FROM messages "
                f"WHERE mailbox=? AND folder=? AND source_id IN ({marks})",
                [self.name, f.name, *ids],
            ):
                rows[sid] = (status, next_at)
        todo = []
        for uid in candidates:
            status, next_at = rows.get(source_id(f.uidvalidity or 0, uid), (None, None))
            if status in FINISHED_STATUSES:
                f.finished.add(uid)
            elif status == "failed" and next_at and next_at > now:
                wait = (datetime.fromisoformat(next_at) - utcnow()).total_seconds()
                due = time.monotonic() + max(0.0, wait)
                f.retry_at = due if f.retry_at is None else min(f.retry_at, due)
            else:
                todo.append(uid)
        return todo

    def _advance(self, f: _Folder) -> None:
        """Move the checkpoint up to just below the first unfinished UID."""
        unfinished = [u for u in f.present if u not in f.finished]
        if unfinished:
            new = unfinished[0] - 1
        else:  # the scan saw every UID below UIDNEXT: all of them are finished or gone
            new = max(f.present[-1] if f.present else 0, f.scanned_next - 1)
        if new > f.checkpoint:
            f.checkpoint, f.dirty = new, True
            f.present = [u for u in f.present if u > new]
            f.finished = {u for u in f.finished if u > new}
        if f.resync_below and f.checkpoint >= f.resync_below - 1:
            f.resync_below, f.dirty = 0, True

    def _persist(self, f: _Folder) -> None:
        if not f.dirty:
            return
        state = json.dumps({"resync_below": f.resync_below}) if f.resync_below else ""
        set_checkpoint(self.store, Checkpoint(self.name, f.name, f.uidvalidity, f.checkpoint,
                                              state))
        f.dirty = False

    def _persist_all(self) -> None:
        for f in self._folders.values():
            self._persist(f)

    def _already_handled(self, raw: RawMail) -> bool:
        """After a UIDVALIDITY change: record a handled message as such instead of acting."""
        if self.store.status(raw.mailbox, raw.folder, raw.source_id) is not None:
            return False  # known under this UIDVALIDITY already: the pipeline decides
        message_id = parse(raw).message_id
        previous = self.store.find_handled(self.name, message_id, raw.content_hash) \
            if message_id else None
        if previous is None:
            return False
        claim = self.store.claim(raw)
        if claim is None:
            return True
        reason = (f"already handled as #{previous['id']} ({previous['folder']} "
                  f"{previous['source_id']}) before UIDVALIDITY changed; not acted on again")
        with self.store.transaction() as db:
            db.execute(
                "UPDATE messages SET message_id=?, subject=?, sender=?, label=?, confidence=?, "
                "tier=?, rule=?, outcome=?, exception_code=?, reason=? WHERE id=?",
                [message_id, previous["subject"], previous["sender"], previous["label"],
                 previous["confidence"], previous["tier"], previous["rule"],
                 previous["outcome"], previous["exception_code"], reason, claim.pk],
            )
        self.store.finish(claim.pk, previous["status"])
        log.info("already handled before UIDVALIDITY changed: not acted on again",
                 extra={"fields": {"mailbox": self.name, "folder": raw.folder,
                                   "id": raw.source_id, "previous": previous["id"]}})
        return True

    def finished(self, raw: RawMail) -> None:
        f = self._folders.get(raw.folder)
        ids = parse_source_id(raw.source_id)
        if f is not None and ids is not None and ids[0] == f.uidvalidity:
            f.finished.add(ids[1])

    # -- acting --------------------------------------------------------------------------

    def apply_batch(self, items: Sequence[tuple[RawMail, Action]]) -> list[str | Exception]:
        """Like ``apply`` for each item, with one command per folder, action and target:
        tags as one ``UID STORE``, moves as one ``UID MOVE`` (or one COPY + STORE + UID
        EXPUNGE). A message no longer there fails alone; a failed command fails its group."""
        results: list[str | Exception] = [ActionError("not run")] * len(items)
        groups: dict[tuple[str, str, str], list[int]] = {}
        for i, (raw, action) in enumerate(items):
            if action.kind == "tag":
                groups.setdefault((raw.folder, "tag", action.target), []).append(i)
            elif action.kind in ("move", "exceptions", "copy"):
                # by folder: exceptions differ in their reason, not in where they go
                kind = "copy" if action.kind == "copy" else "move"
                groups.setdefault((raw.folder, kind, self._target(action)), []).append(i)
            else:
                try:
                    results[i] = self.apply(raw, action)
                except Exception as exc:
                    results[i] = exc
        for (folder, kind, _), members in groups.items():
            try:
                uids: dict[int, int] = {}  # item -> UID
                for i in members:
                    try:
                        uids[i] = self._uid_in(folder, items[i][0].source_id)
                    except ActionError as exc:
                        results[i] = exc
                if not uids:
                    continue
                action = items[members[0]][1]
                always = any(items[i][1].kind == "exceptions" for i in members)
                done = (self._tag_many(list(uids.values()), action.target) if kind == "tag"
                        else self._move_many(folder, list(uids.values()), action, always))
                for i, uid in uids.items():
                    outcome = done.get(uid)
                    results[i] = outcome if outcome is not None else ActionError(
                        f"message {items[i][0].source_id} is no longer in {folder}")
            except Exception as exc:  # the command failed: every message of the group did
                for i in members:
                    if not isinstance(results[i], str):
                        results[i] = exc
        return results

    def _tag_many(self, uids: list[int], tag: str) -> dict[int, str]:
        """Set one keyword on ``uids`` of the selected folder; result text per UID it
        reached (a UID missing from the answer was gone)."""
        keyword = keyword_for(tag)
        if keyword is None:
            return dict.fromkeys(
                uids, f"tag not stored on server: {tag!r} is not a valid IMAP keyword")
        permanent = {bytes(x).lower() for x in self._select_info.get(b"PERMANENTFLAGS", ())}
        if b"\\*" not in permanent and keyword.lower().encode() not in permanent:
            return dict.fromkeys(uids, "tag not stored on server: folder does not allow new "
                                       "keywords")
        with self._io(f"setting keyword {keyword}", ActionError):
            done = self._require().add_flags(uids, [keyword.encode()])
        return {uid: f"keyword {keyword} set" for uid in uids if uid in (done or {})}

    def _move_many(self, folder: str, uids: list[int], action: Action,
                   always: bool) -> dict[int, str]:
        """Move or copy ``uids`` of ``folder`` to the action's target in one command; result
        text per UID that was there. ``always``: create the target even when
        ``create_folders`` is off (the exceptions folder)."""
        target = self._target(action)
        if target == folder:
            return dict.fromkeys(uids, f"already in {target}")
        self._ensure_folder(target, always=always)
        self._select(folder)
        with self._io("looking up messages"):
            present = set(self._require().search(["UID", _uid_set(uids), "UNDELETED"]))
        here = [u for u in uids if u in present]
        if not here:
            return {}
        if action.kind == "copy":
            with self._io(f"copying to {target!r}", ActionError):
                self._require().copy(here, target)
            return dict.fromkeys(here, f"copied to {target}")
        self._move(here, target)
        return dict.fromkeys(here, f"moved to {target}")

    def apply(self, raw: RawMail, action: Action) -> str:
        uid = self._uid_in(raw.folder, raw.source_id)
        if action.kind == "tag":
            return self._tag(uid, action.target, raw)
        if action.kind in ("move", "exceptions", "copy"):
            target = self._target(action)
            if target == raw.folder:
                return f"already in {target}"
            self._ensure_folder(target, always=action.kind == "exceptions")
            self._select(raw.folder)
            if not self._present(uid):
                raise ActionError(f"message {raw.source_id} is no longer in {raw.folder}")
            if action.kind == "copy":
                with self._io(f"copying to {target!r}", ActionError):
                    self._require().copy([uid], target)
                return f"copied to {target}"
            self._move([uid], target)
            return f"moved to {target}"
        raise ActionError(f"an IMAP mailbox cannot {action.kind}")

    def _uid_in(self, folder: str, sid: str) -> int:
        """The UID of ``sid`` in ``folder`` (selected now), refusing a stale UIDVALIDITY."""
        ids = parse_source_id(sid)
        if ids is None:
            raise ActionError(f"{sid!r} is not an IMAP source id (UIDVALIDITY:UID)")
        info = self._select(folder, refused=ActionError)
        if int(info[b"UIDVALIDITY"]) != ids[0]:
            raise ActionError(f"UIDVALIDITY of {folder!r} changed since {sid} was read")
        return ids[1]

    def _target(self, action: Action) -> str:
        folder = self.exceptions_folder if action.kind == "exceptions" else action.target
        return server_folder(folder, self.cfg.folder_prefix, self._delimiter)

    def _present(self, uid: int) -> bool:
        with self._io("looking up a message"):
            return uid in self._require().search(["UID", str(uid), "UNDELETED"])

    def _ensure_folder(self, folder: str, *, always: bool = False) -> None:
        """Create a missing target (when allowed; the exceptions folder always is)."""
        if folder in self._existing:
            return
        client = self._require()
        with self._io(f"checking folder {folder!r}"):
            exists = client.folder_exists(folder)
        if not exists:
            if not (self.cfg.create_folders or always):
                raise ActionError(f"folder {folder!r} does not exist and create_folders = false")
            try:
                with self._io(f"creating folder {folder!r}", ActionError):
                    client.create_folder(folder)
            except ActionError as exc:
                if "ALREADYEXISTS" not in str(exc):  # created by someone else meanwhile
                    raise ActionError(f"cannot create folder {folder!r}: {exc}") from None
            with suppress(IMAPClientError):
                client.subscribe_folder(folder)  # so mail clients show it
            log.info("folder created", extra={"fields": {"mailbox": self.name,
                                                         "folder": folder}})
        self._existing.add(folder)

    def _move(self, uids: list[int], target: str) -> None:
        client = self._require()
        if b"MOVE" in self._caps:
            with self._io(f"moving to {target!r}", ActionError):
                client.move(uids, target)
            return
        # No MOVE: copy, flag deleted, expunge just these UIDs (UIDPLUS) or, without UIDPLUS,
        # every \Deleted message in the folder (the only way left; documented in docs/imap.md).
        with self._io(f"moving to {target!r} (copy + delete)", ActionError):
            client.copy(uids, target)
            client.add_flags(uids, [b"\\Deleted"], silent=True)
            if b"UIDPLUS" in self._caps:
                client.uid_expunge(uids)
            else:
                client.expunge()

    def _tag(self, uid: int, tag: str, raw: RawMail) -> str:
        keyword = keyword_for(tag)
        if keyword is None:
            return f"tag not stored on server: {tag!r} is not a valid IMAP keyword"
        permanent = {bytes(x).lower() for x in self._select_info.get(b"PERMANENTFLAGS", ())}
        if b"\\*" not in permanent and keyword.lower().encode() not in permanent:
            return "tag not stored on server: folder does not allow new keywords"
        with self._io(f"setting keyword {keyword}", ActionError):
            done = self._require().add_flags([uid], [keyword.encode()])
        if uid not in (done or {}):
            raise ActionError(f"message {raw.source_id} is no longer in {raw.folder}")
        return f"keyword {keyword} set"

    # -- after a crash -------------------------------------------------------------------

    def contains(self, folder: str, source_id: str) -> bool:
        ids = parse_source_id(source_id)
        if ids is None:
            return False
        try:
            info = self._select(folder, refused=ActionError)
        except ActionError:  # the folder is gone, and the message with it
            return False
        if int(info[b"UIDVALIDITY"]) != ids[0]:
            return False
        return self._present(ids[1])

    def reconcile(self, folder: str, source_id: str, action: Action) -> bool:
        """Did a journalled action already happen? Tags: the keyword is on the message.
        Copies and moves: the target holds this very message (same Message-ID and content).

        A server that dies inside a MOVE (Dovecot copies, then expunges) can leave the
        message in both folders. Then the move is finished by removing the original here,
        never by copying it a second time.
        """
        if action.kind == "tag":
            keyword = keyword_for(action.target)
            if keyword is None or not self.contains(folder, source_id):
                return False
            uid = parse_source_id(source_id)[1]  # type: ignore[index]
            with self._io("reading flags"):
                flags = self._require().get_flags([uid]).get(uid, ())
            return keyword.lower().encode() in {bytes(x).lower() for x in flags}
        if action.kind not in ("move", "copy", "exceptions"):
            return False
        message_id, content_hash = self._identity_of(folder, source_id)
        if not message_id or not self._holds(self._target(action), message_id, content_hash):
            return False
        if action.kind != "copy" and self.contains(folder, source_id):
            self._remove(folder, parse_source_id(source_id)[1])  # type: ignore[index]
        return True

    def _identity_of(self, folder: str, sid: str) -> tuple[str, str]:
        row = self.store.db.execute(
            "SELECT message_id, content_hash FROM messages "
            "WHERE mailbox=? AND folder=? AND source_id=?",
            [self.name, folder, sid],
        ).fetchone()
        return ((row[0] or ""), (row[1] or "")) if row else ("", "")

    def _holds(self, folder: str, message_id: str, content_hash: str = "") -> bool:
        """``folder`` has a message with this Message-ID (and, when given, these bytes)."""
        client = self._require()
        with self._io(f"checking folder {folder!r}"):
            if not client.folder_exists(folder):
                return False
        self._select(folder, readonly=True, force=True)
        with self._io(f"searching {folder!r} by Message-ID"):
            uids = client.search(["HEADER", "Message-ID", message_id])
            if not uids or not content_hash:
                return bool(uids)
            bodies = client.fetch(uids, [b"BODY.PEEK[]"])
        return any(hashlib.sha256(data.get(b"BODY[]", b"")).hexdigest() == content_hash
                   for data in bodies.values())

    def _remove(self, folder: str, uid: int) -> None:
        """Expunge one message: the second half of an interrupted MOVE."""
        client = self._require()
        self._select(folder, force=True)
        with self._io(f"removing the moved original from {folder!r}", ActionError):
            client.add_flags([uid], [b"\\Deleted"], silent=True)
            if b"UIDPLUS" in self._caps:
                client.uid_expunge([uid])
            else:
                client.expunge()

    # -- waiting -------------------------------------------------------------------------

    def wait(self, stop: threading.Event) -> None:
        """Until new mail (IDLE), the poll interval, a retry falling due, or ``stop``."""
        idle = self._idle_possible() and self._client is not None
        limit = self.cfg.timeouts.idle_renew if idle else self.cfg.poll_interval_seconds
        if idle and len(self._folders) > 1:  # the other folders are polled meanwhile
            limit = min(limit, self.cfg.poll_interval_seconds)
        retries = [f.retry_at for f in self._folders.values() if f.retry_at is not None]
        if retries:
            limit = min(limit, max(0.0, min(retries) - time.monotonic()))
        if limit <= 0:
            return
        if idle:
            self._idle(stop, limit)
        else:
            stop.wait(limit)

    def _idle(self, stop: threading.Event, limit: float) -> None:
        f = next(iter(self._folders.values()))
        info = self._select(f.name, force=True)
        if int(info.get(b"UIDNEXT", 0)) > f.scanned_next or \
                int(info[b"UIDVALIDITY"]) != f.uidvalidity:
            return  # mail arrived between the last scan and now
        client = self._require()
        deadline = time.monotonic() + limit
        with self._io("starting IDLE"):
            client.idle()
        try:
            while not stop.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                tick = min(IDLE_TICK, remaining)
                started = time.monotonic()
                with self._io("in IDLE"):
                    responses = client.idle_check(timeout=tick)
                if any(_wakes(r) for r in responses):
                    break
                if not responses and time.monotonic() - started < tick / 2:
                    break  # readable but nothing parsed: EOF; idle_done below tells
        finally:
            if self._client is not None:
                with self._io("ending IDLE"):
                    client.idle_done()


def _wakes(response: tuple) -> bool:
    """New mail (EXISTS) or the server going away (BYE) ends IDLE."""
    if len(response) >= 2 and response[1] in (b"EXISTS", b"RECENT"):
        return True
    return bool(response) and response[0] == b"BYE"


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
