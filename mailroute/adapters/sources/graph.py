"""An Exchange Online mailbox through Microsoft Graph, with app-only (client credentials) auth.

New mail: a delta query per watched folder
(``/users/{mailbox}/mailFolders/{id}/messages/delta``). The delta link is the checkpoint (the
``state`` column of ``checkpoints``); it is stored once every message of a round was handed
to the pipeline. An expired delta link (HTTP 410) starts a full round again: the store skips
messages already finished.

Every request asks for immutable ids (``Prefer: IdType="ImmutableId"``): a message keeps its
id when it moves, so a move journalled before a crash is checked by the message's
``parentFolderId``, and delta ``updated`` reports (e.g. after we set a category) are
recognised as messages already handled.

MIME comes from ``/messages/{id}/$value``. Actions: move/copy (``POST .../move|copy``),
tags as categories (PATCH), the tag ``$flagged`` as the follow-up flag (PATCH ``flag``).
Sends are queued by the pipeline for the outbox sender, which delivers them over SMTP or,
with ``send_via = "graph"``, through Graph ``sendMail`` (adapters/transports.py).

Throttling: 429, 503 and 504 are retried after ``Retry-After`` (bounded by
``max_throttle_wait_seconds``, at most ``throttle_retries`` times). 401 after a fresh token
and 403 raise AuthError.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import msal
import requests

from ...config.exchange import GraphMailbox
from ...core.message import RawMail
from ...core.rules import Action
from ...errors import ActionError, AuthError, SourceError
from ..checkpoints import Checkpoint, get_checkpoint, set_checkpoint
from ..store import Store
from .base import BatchFetching
from .exchange_common import (
    FLAG_TAG,
    WELL_KNOWN,
    Backoff,
    ExchangeMetrics,
    Throttled,
    due_retries,
    message_id_of,
    split_path,
)

log = logging.getLogger("mailroute.graph")

THROTTLE_STATUS = (429, 503, 504)
PAGE_SIZE = 100
BATCH = 50  # messages handed to the pipeline together


class NotFound(Exception):
    """Graph answered 404 (message or folder not there)."""


class Gone(SourceError):
    """Graph answered 410: a delta link expired (its sync state is no longer kept)."""


class GraphSource(BatchFetching):
    """Watches the configured folders of one Exchange Online mailbox through Graph."""

    def __init__(self, cfg: GraphMailbox, store: Store, metrics: ExchangeMetrics, *,
                 exceptions_folder: str = "Exceptions"):
        self.name = cfg.name
        self.cfg = cfg
        self.store = store
        self.exceptions_folder = exceptions_folder
        self.backoff = Backoff(cfg.name, metrics, retries=cfg.throttle_retries,
                               max_wait=cfg.max_throttle_wait_seconds)
        base = cfg.graph_url.rstrip("/")
        self.base = f"{base}/users/{quote(cfg.mailbox)}"
        parts = urlsplit(base)
        self.scope = f"{parts.scheme}://{parts.netloc}/.default"
        self.session: requests.Session | None = None
        self.app: msal.ConfidentialClientApplication | None = None
        self._folders: dict[str, str] = {}  # folder path (lower-cased) -> folder id
        self._done: dict[str, set[str]] = {}

    # -- auth ----------------------------------------------------------------------------

    def _credential(self) -> str | dict[str, str]:
        cfg = self.cfg
        if cfg.client_secret is not None:
            try:
                return cfg.client_secret.reveal().get_secret_value()
            except ValueError as exc:
                raise AuthError(f"mailbox {self.name}: client_secret: {exc}") from None
        assert cfg.certificate_file is not None and cfg.certificate_thumbprint
        try:
            pem = cfg.certificate_file.read_text(encoding="ascii")
        except OSError as exc:
            raise AuthError(f"mailbox {self.name}: cannot read certificate_file "
                            f"{cfg.certificate_file}: {exc.strerror}") from None
        return {"private_key": pem, "thumbprint": cfg.certificate_thumbprint,
                "public_certificate": pem}

    def _token(self, *, fresh: bool = False) -> str:
        assert self.app is not None
        if fresh:
            self.app.remove_tokens_for_client()
        try:
            result = self.app.acquire_token_for_client(scopes=[self.scope])
        except requests.RequestException as exc:
            raise SourceError(f"mailbox {self.name}: token endpoint unreachable: "
                              f"{type(exc).__name__}") from None
        if "access_token" not in result:
            error = result.get("error", "?")
            detail = (result.get("error_description") or "").splitlines()[0:1]
            text = f"mailbox {self.name}: token refused: {error}: {' '.join(detail)}"
            if error in ("invalid_client", "unauthorized_client", "invalid_grant",
                         "invalid_request", "invalid_scope"):
                raise AuthError(text)
            raise SourceError(text)
        return str(result["access_token"])

    # -- requests ------------------------------------------------------------------------

    def _request(self, method: str, url: str, what: str, *, json: Any = None,
                 raw: bool = False) -> Any:
        """One Graph call with throttling retries; returns JSON (or bytes when ``raw``)."""
        if self.session is None:
            raise SourceError(f"mailbox {self.name}: not connected")
        session = self.session
        url = url if url.startswith("https://") else f"{self.base}{url}"
        refreshed = False

        def attempt() -> requests.Response:
            nonlocal refreshed
            try:
                response = session.request(method, url, json=json,
                                           timeout=self.cfg.timeout_seconds)
            except requests.RequestException as exc:
                raise SourceError(f"mailbox {self.name}: {what}: cannot reach Graph: "
                                  f"{type(exc).__name__}") from None
            if response.status_code in THROTTLE_STATUS:
                raise Throttled(_retry_after(response), f"HTTP {response.status_code}")
            if response.status_code == 401 and not refreshed:
                refreshed = True  # the token may have expired early: one fresh try
                session.headers["Authorization"] = f"Bearer {self._token(fresh=True)}"
                return attempt()
            return response

        response = self.backoff.call(attempt, what)
        if response.status_code in (401, 403):
            raise AuthError(f"mailbox {self.name} ({self.cfg.mailbox}): {what}: "
                            f"HTTP {response.status_code} {_graph_error(response)}")
        if response.status_code == 404:
            raise NotFound(f"{what}: {_graph_error(response)}")
        if response.status_code == 410:
            raise Gone(f"mailbox {self.name}: {what}: HTTP 410 {_graph_error(response)}")
        if response.status_code >= 400:
            raise SourceError(f"mailbox {self.name}: {what}: HTTP {response.status_code} "
                              f"{_graph_error(response)}")
        if raw:
            return response.content
        return response.json() if response.content else {}

    # -- Source protocol -----------------------------------------------------------------

    def connect(self) -> None:
        self.open_session()
        self._folders.clear()
        for folder in self.cfg.folders:
            try:
                self._folder(folder, create=False)
            except ActionError as exc:  # a watched folder that is not there: a setup error
                raise SourceError(str(exc)) from None
            self._done[folder] = self.store.finished_ids(self.name, folder)

    def open_session(self) -> None:
        """Get a token and an HTTP session, without resolving folders (the Graph send
        transport needs only this). Raises AuthError or SourceError."""
        cfg = self.cfg
        authority = f"{cfg.authority.rstrip('/')}/{cfg.tenant_id}"
        default_authority = cfg.authority.rstrip("/") == "https://login.microsoftonline.com"
        session = _Session(str(cfg.ca_bundle) if cfg.ca_bundle else None, cfg.timeout_seconds)
        try:
            self.app = msal.ConfidentialClientApplication(
                cfg.client_id, client_credential=self._credential(), authority=authority,
                http_client=session,
                # a sovereign or test authority is not in Microsoft's instance list
                validate_authority=default_authority,
                instance_discovery=None if default_authority else False,
                token_cache=msal.TokenCache(),
            )
        except ValueError as exc:  # tenant discovery failed: unknown tenant or authority
            raise AuthError(f"mailbox {self.name}: authority {authority}: {exc}") from None
        except requests.RequestException as exc:
            raise SourceError(f"mailbox {self.name}: authority {authority} unreachable: "
                              f"{type(exc).__name__}: {exc}") from None
        session.headers["Prefer"] = 'IdType="ImmutableId"'
        self.session = session
        session.headers["Authorization"] = f"Bearer {self._token()}"

    def _folder(self, path: str, *, create: bool) -> str:
        """The id of ``inbox`` or ``Finance/Invoices`` (under the top of the mailbox)."""
        key = path.lower()
        if key in self._folders:
            return self._folders[key]
        parts = split_path(path)
        parent: str | None = None
        if parts[0].lower() in WELL_KNOWN:
            name = parts.pop(0).lower()
            try:
                parent = self._request("GET", f"/mailFolders/{name}?$select=id",
                                       f"folder {path}")["id"]
            except NotFound:
                raise ActionError(f"mailbox {self.name}: no well-known folder {name}") from None
        for part in parts:
            children = f"/mailFolders/{parent}/childFolders" if parent else "/mailFolders"
            escaped = part.replace("'", "''")
            found = self._request(
                "GET", f"{children}?$filter=displayName eq '{quote(escaped)}'&$select=id",
                f"folder {path}",
            ).get("value", [])
            if found:
                parent = found[0]["id"]
                continue
            if not create:
                raise ActionError(f"mailbox {self.name}: folder {path!r} does not exist "
                                  "(create_folders = false, or a watched folder)")
            parent = self._request("POST", children, f"create folder {path}",
                                   json={"displayName": part})["id"]
            log.info("created folder", extra={"fields": {"mailbox": self.name,
                                                           "folder": path}})
        assert parent is not None
        self._folders[key] = parent
        return parent

    def fetch_batches(self) -> Iterator[list[RawMail]]:
        """Messages in lists of ``BATCH``; a folder's delta link is stored when the caller
        asks for more after its last list (all of it claimed)."""
        for folder in self.cfg.folders:
            yield from self._fetch_folder(folder)

    def _delta(self, folder_id: str, state: str) -> tuple[list[tuple[str, str]], str]:
        """New and changed message ids (with receivedDateTime) and the next delta link."""
        url = state or (f"/mailFolders/{folder_id}/messages/delta"
                        f"?$select=id,receivedDateTime&$top={PAGE_SIZE}")
        found: list[tuple[str, str]] = []
        while True:
            try:
                page = self._request("GET", url, "delta")
            except Gone:
                if not state:
                    raise
                log.warning("delta link expired; reading the folder again",
                            extra={"fields": {"mailbox": self.name}})
                return self._delta(folder_id, "")
            for item in page.get("value", []):
                if "@removed" not in item and item.get("id"):
                    found.append((item["id"], item.get("receivedDateTime") or ""))
            if "@odata.nextLink" in page:
                url = page["@odata.nextLink"]
                continue
            return found, page.get("@odata.deltaLink", state)

    def _fetch_folder(self, folder: str) -> Iterator[list[RawMail]]:
        folder_id = self._folder(folder, create=False)
        checkpoint = get_checkpoint(self.store, self.name, folder)
        done = self._done.setdefault(folder, set())
        changed, state = self._delta(folder_id, checkpoint.state)
        wanted: dict[str, str] = {i: when for i, when in changed if i not in done}
        for i in due_retries(self.store, self.name, folder):
            # ids are immutable: a failed message a person moved away must not be chased
            if i not in wanted and self._parent_of(i) == folder_id:
                wanted[i] = ""
        fetched: list[RawMail] = []
        for message_id, when in wanted.items():
            try:
                data = self._request("GET", f"/messages/{message_id}/$value", "get MIME",
                                     raw=True)
            except NotFound:
                log.info("message left the folder before it was read",
                         extra={"fields": {"mailbox": self.name, "folder": folder}})
                continue
            fetched.append(RawMail(mailbox=self.name, folder=folder, source_id=message_id,
                                   data=data, received_at=_parse_time(when)))
            if len(fetched) == BATCH:
                yield fetched
                fetched = []
        if fetched:
            yield fetched
        # Every message of this round now has a row in the store: move the checkpoint on.
        if state and state != checkpoint.state:
            set_checkpoint(self.store, Checkpoint(self.name, folder, state=state))

    def finished(self, raw: RawMail) -> None:
        self._done.setdefault(raw.folder, set()).add(raw.source_id)

    def apply(self, raw: RawMail, action: Action) -> str:
        message = f"/messages/{raw.source_id}"
        try:
            if action.kind in ("move", "exceptions", "copy"):
                target = action.target if action.kind != "exceptions" else self.exceptions_folder
                folder_id = self._folder(target, create=self.cfg.create_folders)
                verb = "copy" if action.kind == "copy" else "move"
                self._request("POST", f"{message}/{verb}", verb,
                              json={"destinationId": folder_id})
                return f"{'copied' if verb == 'copy' else 'moved'} to {target}"
            if action.kind == "tag" and action.target.lower() == FLAG_TAG:
                self._request("PATCH", message, "flag", json={"flag": {"flagStatus": "flagged"}})
                return "flagged"
            if action.kind == "tag":
                current = self._request("GET", f"{message}?$select=categories",
                                        "read categories").get("categories") or []
                if any(c.lower() == action.target.lower() for c in current):
                    return f"category {action.target} already set"
                self._request("PATCH", message, "set categories",
                              json={"categories": [*current, action.target]})
                return f"category {action.target} set"
        except NotFound as exc:
            raise ActionError(f"mailbox {self.name}: {exc}") from None
        raise ActionError(f"mailbox {self.name}: Graph source cannot {action.kind}")

    def _parent_of(self, source_id: str) -> str | None:
        try:
            return self._request("GET", f"/messages/{source_id}?$select=parentFolderId",
                                 "check message").get("parentFolderId")
        except NotFound:
            return None

    def reconcile(self, folder: str, source_id: str, action: Action) -> bool:
        if action.kind not in ("move", "copy", "exceptions"):
            return False  # tags and flags are idempotent: doing them again is harmless
        target = action.target if action.kind != "exceptions" else self.exceptions_folder
        try:
            target_id = self._folder(target, create=False)
        except ActionError:
            return False
        if action.kind != "copy":  # immutable ids: a moved message keeps its id
            return self._parent_of(source_id) == target_id
        message_id = message_id_of(self.store, self.name, folder, source_id)
        if not message_id:
            return False
        escaped = message_id.replace("'", "''")
        found = self._request(
            "GET", f"/mailFolders/{target_id}/messages?$filter=internetMessageId eq "
            f"'{quote(escaped)}'&$select=id", "look for copy",
        ).get("value", [])
        return bool(found)

    def contains(self, folder: str, source_id: str) -> bool:
        return self._parent_of(source_id) == self._folder(folder, create=False)

    def wait(self, stop: threading.Event) -> None:
        self.backoff.stop = stop
        stop.wait(self.cfg.poll_interval_seconds)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
        self.session = None
        self._folders.clear()


class _Session(requests.Session):
    """A session whose ``ca_bundle`` wins over REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE.

    requests lets those variables override ``Session.verify``; only a per-request
    ``verify`` beats them, so it is passed on every call. Proxy variables still apply.
    """

    def __init__(self, ca_bundle: str | None, timeout: float):
        super().__init__()
        self._ca_bundle = ca_bundle
        self._timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
                ) -> requests.Response:
        if self._ca_bundle and kwargs.get("verify") is None:
            kwargs["verify"] = self._ca_bundle
        kwargs.setdefault("timeout", self._timeout)
        return super().request(method, url, *args, **kwargs)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date or nothing: use the default wait


def _graph_error(response: requests.Response) -> str:
    try:
        error = response.json().get("error", {})
        return f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    except ValueError:
        return response.text[:200]


def _parse_time(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
