"""An Exchange (on-premises) mailbox through EWS, with exchangelib.

New mail: ``SyncFolderItems`` per watched folder. Its sync state is the checkpoint (the
``state`` column of ``checkpoints``); only ``Create`` changes are new mail. The state is
stored once every message of a round was handed to the pipeline, so a crash mid-round
replays the round and the store skips what was finished. SyncFolderItems was chosen over
FindItem on ``datetime_received`` because it cannot miss a message delivered with an older
received time (e.g. moved in by a person or a transport rule) and needs no clock overlap.

MIME content is fetched with GetItem (``MimeContent``), so parsing is identical to IMAP.
Actions: move/copy (MoveItem/CopyItem, folders created when ``create_folders``), tags as
Exchange categories (UpdateItem), the tag ``$flagged`` as the follow-up flag
(PidTagFlagStatus). Sends are queued by the pipeline for the outbox sender, which delivers
them over SMTP or, with ``send_via = "ews"``, through EWS (adapters/transports.py).

EWS item ids change when an item moves, so a move journalled before a crash is found again
by the Message-ID the store recorded (FindItem in the target folder).

exchangelib runs with ``FailFast``: with ``FaultTolerance`` it would treat HTTP 401 as
throttling and retry for up to ``max_wait`` (an hour by default) instead of reporting the
bad password, and its waits could not be interrupted by a shutdown. ``ErrorServerBusy``
(with its ``BackOffMilliseconds`` hint) is retried here, by :class:`Backoff`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import requests
from exchangelib import (
    BASIC,
    DELEGATE,
    IMPERSONATION,
    NTLM,
    OAUTH2,
    Account,
    Build,
    Configuration,
    Credentials,
    ExtendedProperty,
    FailFast,
    Folder,
    Message,
    OAuth2Credentials,
    Version,
)
from exchangelib import errors as ews_errors

from ...config.exchange import EwsMailbox
from ...core.message import RawMail
from ...core.rules import Action
from ...errors import ActionError, AuthError, SourceError
from ..checkpoints import Checkpoint, get_checkpoint, set_checkpoint
from ..store import Store
from .base import BatchFetching
from .exchange_common import (
    FLAG_TAG,
    Backoff,
    ExchangeMetrics,
    Throttled,
    due_retries,
    message_id_of,
    split_path,
)

log = logging.getLogger("mailroute.ews")

FETCH_FIELDS = ["mime_content", "datetime_received"]
BATCH = 50  # GetItem batch size: MIME of 50 messages stays well below EWS request limits


class FlagStatus(ExtendedProperty):
    """PidTagFlagStatus: 2 = flagged for follow-up (exchangelib has no field for it)."""

    property_tag = 0x1090
    property_type = "Integer"


_register_lock = threading.Lock()


def _register_flag() -> None:
    with _register_lock:
        if "mailroute_flag" not in {f.name for f in Message.FIELDS}:
            Message.register("mailroute_flag", FlagStatus)


def _is_auth_error(exc: Exception) -> bool:
    return isinstance(exc, ews_errors.UnauthorizedError | ews_errors.ErrorAccessDenied
                      | ews_errors.ErrorImpersonateUserDenied
                      | ews_errors.ErrorNonExistentMailbox)


class EwsSource(BatchFetching):
    """Watches the configured folders of one Exchange mailbox through EWS."""

    def __init__(self, cfg: EwsMailbox, store: Store, metrics: ExchangeMetrics, *,
                 exceptions_folder: str = "Exceptions"):
        self.name = cfg.name
        self.cfg = cfg
        self.store = store
        self.exceptions_folder = exceptions_folder
        self.backoff = Backoff(cfg.name, metrics, retries=cfg.throttle_retries,
                               max_wait=cfg.max_throttle_wait_seconds)
        self.account: Account | None = None
        self._folders: dict[str, Folder] = {}  # resolved folders by lower-cased path
        self._done: dict[str, set[str]] = {}
        _register_flag()

    # -- plumbing ------------------------------------------------------------------------

    def _call(self, fn: Callable[[], Any], what: str) -> Any:
        """Run one EWS exchange; throttling is retried, errors become ours."""

        def attempt() -> Any:
            try:
                return fn()
            except ews_errors.ErrorServerBusy as exc:
                raise Throttled(exc.back_off, str(exc)) from None

        try:
            return self.backoff.call(attempt, what)
        except SourceError:
            raise
        except Exception as exc:
            raise self._translate(exc, what) from exc

    def _translate(self, exc: Exception, what: str) -> Exception:
        where = f"mailbox {self.name} ({self.cfg.primary_smtp_address}): {what}"
        if _is_auth_error(exc):
            return AuthError(f"{where}: {type(exc).__name__}: {exc}")
        if isinstance(exc, ews_errors.ErrorItemNotFound | ews_errors.ErrorFolderNotFound):
            return ActionError(f"{where}: {type(exc).__name__}: {exc}")
        if isinstance(exc, requests.RequestException | ews_errors.ErrorTimeoutExpired):
            # exchangelib re-raises connection failures as ErrorTimeoutExpired
            return SourceError(f"{where}: cannot reach {self.cfg.service_endpoint or 'server'}: "
                               f"{type(exc).__name__}: {exc}")
        return SourceError(f"{where}: {type(exc).__name__}: {exc}")

    def _credentials(self) -> Credentials | OAuth2Credentials:
        cfg = self.cfg
        try:
            if cfg.auth_type == "oauth":
                assert cfg.client_secret is not None
                return OAuth2Credentials(
                    client_id=cfg.client_id, tenant_id=cfg.tenant_id,
                    client_secret=cfg.client_secret.reveal().get_secret_value(),
                )
            assert cfg.password is not None
            return Credentials(cfg.username, cfg.password.reveal().get_secret_value())
        except ValueError as exc:  # the secret's variable/file is missing: name it
            raise AuthError(f"mailbox {self.name}: {exc}") from None

    # -- Source protocol -----------------------------------------------------------------

    def connect(self) -> None:
        self.open_account()
        self._folders.clear()
        for folder in self.cfg.folders:
            try:
                self._folder(folder, create=False)
            except ActionError as exc:  # a watched folder that is not there: a setup error
                raise SourceError(str(exc)) from None
            self._done[folder] = self.store.finished_ids(self.name, folder)

    def open_account(self) -> Account:
        """Log in and open the mailbox, without resolving folders (the EWS send transport
        needs only this). Raises AuthError or SourceError."""
        cfg = self.cfg
        auth = {"ntlm": NTLM, "basic": BASIC, "oauth": OAUTH2}[cfg.auth_type]
        version = None
        if cfg.server_version:
            version = Version(build=Build(*(int(p) for p in cfg.server_version.split("."))))
        config = Configuration(
            service_endpoint=cfg.service_endpoint, credentials=self._credentials(),
            auth_type=auth, version=version, retry_policy=FailFast(),
        )
        access = IMPERSONATION if cfg.access_type == "impersonation" else DELEGATE

        def open_account() -> Account:
            account = Account(primary_smtp_address=cfg.primary_smtp_address, config=config,
                              autodiscover=cfg.autodiscover, access_type=access)
            account.root  # noqa: B018 -- first request: proves credentials and access
            return account

        self.account = self._call(open_account, "connect")
        return self.account

    def _acct(self) -> Account:
        if self.account is None:
            raise SourceError(f"mailbox {self.name}: not connected")
        return self.account

    def _folder(self, path: str, *, create: bool) -> Folder:
        """Resolve ``inbox`` or ``Finance/Invoices`` (under the top of the mailbox)."""
        key = path.lower()
        if key in self._folders:
            return self._folders[key]
        account = self._acct()
        parts = split_path(path)
        first = parts[0].lower()
        if first in _DISTINGUISHED:
            attr = _DISTINGUISHED[first]
            current = self._call(lambda: getattr(account, attr), f"folder {path}")
            parts = parts[1:]
        else:
            current = self._call(lambda: account.msg_folder_root, f"folder {path}")
        for part in parts:
            parent = current
            try:
                current = self._call(lambda p=parent, n=part: p // n, f"folder {path}")
            except ActionError:
                if not create:
                    raise ActionError(
                        f"mailbox {self.name}: folder {path!r} does not exist "
                        "(create_folders = false, or a watched folder)") from None
                new = Folder(parent=parent, name=part)
                self._call(new.save, f"create folder {path}")
                log.info("created folder", extra={"fields": {"mailbox": self.name,
                                                               "folder": path}})
                current = new
        self._folders[key] = current
        return current

    def fetch_batches(self) -> Iterator[list[RawMail]]:
        """The messages of each GetItem call, one list at a time; a folder's sync state is
        stored when the caller asks for more after its last list (all of it claimed)."""
        for folder in self.cfg.folders:
            yield from self._fetch_folder(folder)

    def _fetch_folder(self, folder: str) -> Iterator[list[RawMail]]:
        account = self._acct()
        ews_folder = self._folder(folder, create=False)
        checkpoint = get_checkpoint(self.store, self.name, folder)
        done = self._done.setdefault(folder, set())

        def sync() -> tuple[list[tuple[str, str]], str]:
            ews_folder.item_sync_state = None
            created = [
                (item.id, item.changekey)
                for change, item in ews_folder.sync_items(
                    sync_state=checkpoint.state or None, only_fields=["datetime_received"],
                    max_changes_returned=512,
                )
                if change == "create" and item.id
            ]
            return created, ews_folder.item_sync_state or checkpoint.state

        created, state = self._call(sync, f"sync {folder}")
        wanted = [(i, ck) for i, ck in created if i not in done]
        seen = {i for i, _ in wanted}
        wanted += [(i, None) for i in due_retries(self.store, self.name, folder) if i not in seen]
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start:start + BATCH]
            items = self._call(
                lambda b=batch: list(account.fetch(ids=b, only_fields=FETCH_FIELDS)),
                f"get {len(batch)} messages from {folder}",
            )
            fetched: list[RawMail] = []
            for (item_id, _), item in zip(batch, items, strict=True):
                if isinstance(item, Exception):  # gone meanwhile (moved by a person)
                    log.info("message left the folder before it was read",
                             extra={"fields": {"mailbox": self.name, "folder": folder,
                                               "error": type(item).__name__}})
                    continue
                received = item.datetime_received  # an EWSDateTime: make it a plain UTC one
                fetched.append(RawMail(
                    mailbox=self.name, folder=folder, source_id=item_id,
                    data=bytes(item.mime_content or b""),
                    received_at=datetime.fromtimestamp(received.timestamp(), UTC)
                    if received else None,
                ))
            if fetched:
                yield fetched
        # Every message of this round now has a row in the store: move the checkpoint on.
        if state != checkpoint.state:
            set_checkpoint(self.store, Checkpoint(self.name, folder, state=state))

    def finished(self, raw: RawMail) -> None:
        self._done.setdefault(raw.folder, set()).add(raw.source_id)

    def apply(self, raw: RawMail, action: Action) -> str:
        account = self._acct()
        ids = [(raw.source_id, None)]
        if action.kind in ("move", "exceptions", "copy"):
            target = action.target if action.kind != "exceptions" else self.exceptions_folder
            folder = self._folder(target, create=self.cfg.create_folders)
            call = account.bulk_copy if action.kind == "copy" else account.bulk_move
            result = self._call(lambda: call(ids=ids, to_folder=folder), f"{action.kind}")
            _raise_first(result, self._translate, action.kind)
            return f"{'copied' if action.kind == 'copy' else 'moved'} to {target}"
        if action.kind == "tag":
            return self._tag(raw.source_id, action.target)
        raise ActionError(f"mailbox {self.name}: EWS source cannot {action.kind}")

    def _tag(self, item_id: str, tag: str) -> str:
        account = self._acct()
        flag = tag.lower() == FLAG_TAG
        fields = ["mailroute_flag"] if flag else ["categories"]
        items = self._call(lambda: list(account.fetch(ids=[(item_id, None)],
                                                      only_fields=fields)), "tag")
        _raise_first(items, self._translate, "tag")
        item = items[0]
        if flag:
            if item.mailroute_flag == 2:
                return "already flagged"
            item.mailroute_flag = 2
        else:
            current = list(item.categories or [])
            if any(c.lower() == tag.lower() for c in current):
                return f"category {tag} already set"
            item.categories = [*current, tag]
        result = self._call(lambda: account.bulk_update(items=[(item, fields)]), "tag")
        _raise_first(result, self._translate, "tag")
        return "flagged" if flag else f"category {tag} set"

    def reconcile(self, folder: str, source_id: str, action: Action) -> bool:
        if action.kind not in ("move", "copy", "exceptions"):
            return False  # tags and flags are idempotent: doing them again is harmless
        target = action.target if action.kind != "exceptions" else self.exceptions_folder
        message_id = message_id_of(self.store, self.name, folder, source_id)
        if not message_id:
            return False
        try:
            ews_target = self._folder(target, create=False)
        except ActionError:
            return False
        return bool(self._call(lambda: ews_target.filter(message_id=message_id).exists(),
                               f"look for {message_id} in {target}"))

    def contains(self, folder: str, source_id: str) -> bool:
        account = self._acct()
        ews_folder = self._folder(folder, create=False)
        items = self._call(lambda: list(account.fetch(ids=[(source_id, None)],
                                                      only_fields=["parent_folder_id"])),
                           "check message")
        item = items[0] if items else None
        if item is None or isinstance(item, Exception):
            return False
        parent = getattr(item, "parent_folder_id", None)
        return parent is None or parent.id == ews_folder.id

    def wait(self, stop: threading.Event) -> None:
        self.backoff.stop = stop
        stop.wait(self.cfg.poll_interval_seconds)

    def close(self) -> None:
        if self.account is not None:
            try:
                self.account.protocol.close()
            except Exception:  # closing a dead connection must not mask the real error
                log.debug("closing EWS protocol failed", exc_info=True)
        self.account = None
        self._folders.clear()


_DISTINGUISHED = {
    "inbox": "inbox", "deleteditems": "trash",
    "junkemail": "junk", "drafts": "drafts", "sentitems": "sent",
}


def _raise_first(results: list[Any], translate: Callable[[Exception, str], Exception],
                 what: str) -> None:
    for result in results or []:
        if isinstance(result, Exception):
            raise translate(result, what)
