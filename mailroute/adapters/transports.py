"""How the outbox sender hands a built message to the world: SMTP, EWS or Microsoft Graph.

The sender (sender.py) owns every rule about sending (RFC 3834 checks, caps, retries, the
``sending`` -> ``uncertain`` crash rule); a transport only delivers one ready MIME message and
says which of three things happened, so the sender can keep its guarantees:

- it returns: the server accepted the message;
- :class:`SendFailed`: the server refused it, so it was not sent (counts as an attempt);
- :class:`SendUncertain`: the request went out and no answer came back: it may have been
  sent (never retried automatically);
- :class:`Unavailable`: the server could not be reached or refused our credentials before
  anything was sent (the send stays queued; no attempt is counted; the route backs off).

Exchange mailboxes with ``send_via = "ews"`` or ``"graph"`` send the same MIME bytes the SMTP
path would (docs/exchange.md says why): EWS ``CreateItem`` with ``MimeContent``,
``MessageDisposition="SendAndSaveCopy"`` and the shared mailbox's Sent Items as
``SavedItemFolderId``; Graph ``POST /users/{mailbox}/sendMail`` with the MIME as base64
``text/plain`` (Graph saves the copy in that mailbox's Sent Items).
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import requests
from prometheus_client import CollectorRegistry

from ..config.exchange import EwsMailbox, GraphMailbox
from ..config.smtp import SmtpSection
from ..core.compose import Outgoing
from ..errors import ActionError, AuthError, SourceError
from .smtp import SendFailed, SendUncertain, SmtpUnavailable, close, connect, drop, transmit
from .store import Store

if TYPE_CHECKING:  # exchangelib and msal are heavy: imported only when a route needs them
    from .sources.ews import EwsSource
    from .sources.graph import GraphSource

__all__ = ["Route", "SendFailed", "SendUncertain", "Transport", "Unavailable", "api_routes",
           "smtp_route"]


class Unavailable(ActionError):
    """The server could not be reached or refused our credentials: nothing was sent."""


class Transport(Protocol):
    """One open way out, used for the sends of one pass and then closed."""

    def open(self, stop: threading.Event | None = None) -> None:
        """Connect and log in; raises :class:`Unavailable`. Idempotent."""

    def send(self, out: Outgoing) -> str:
        """Deliver ``out``; returns the server's answer for the audit."""

    def close(self) -> None:
        """Release the connection; never raises."""


@dataclass(frozen=True)
class Route:
    """Where a mailbox's sends go: ``key`` names the transport (one open per key and pass,
    one back-off per key), ``sender`` is the From address used on its sends."""

    key: str
    make: Callable[[], Transport]
    sender: str = ""


# -- SMTP --------------------------------------------------------------------------------

class SmtpTransport:
    """One SMTP connection (smtp.py), kept open across the sends of a pass."""

    def __init__(self, cfg: SmtpSection):
        self.cfg = cfg
        self.conn: smtplib.SMTP | None = None

    def open(self, stop: threading.Event | None = None) -> None:
        if self.conn is None:
            try:
                self.conn = connect(self.cfg)
            except SmtpUnavailable as exc:
                raise Unavailable(str(exc)) from None

    def send(self, out: Outgoing) -> str:
        if self.conn is None:
            raise Unavailable("SMTP: not connected")
        try:
            return transmit(self.conn, out)
        except SendUncertain:
            self.conn = drop(self.conn)  # the link is unusable: the next send reconnects
            raise
        except SmtpUnavailable as exc:  # lost before any data went out: nothing sent
            self.conn = drop(self.conn)
            raise Unavailable(f"not sent: {exc}") from None

    def close(self) -> None:
        close(self.conn)
        self.conn = None


def smtp_route(cfg: SmtpSection, mailbox: str) -> Route:
    return Route("smtp", lambda: SmtpTransport(cfg), cfg.sender_for(mailbox))


# -- connection errors ----------------------------------------------------------------------

def never_connected(exc: BaseException | None) -> bool:
    """True when ``exc`` (from requests) happened before a request could be sent: the
    connection was refused, timed out while connecting, or TLS failed."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.SSLError
                  | requests.exceptions.InvalidURL):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        import urllib3.exceptions as u3

        # NewConnectionError covers refused connections and failed name lookups
        reason = getattr(exc.args[0], "reason", exc.args[0])
        return isinstance(reason, u3.NewConnectionError | u3.ConnectTimeoutError)
    return False


# -- EWS ---------------------------------------------------------------------------------

class EwsTransport:
    """Sends as the shared mailbox through EWS (CreateItem, SendAndSaveCopy).

    The service account needs Send As on the shared mailbox (docs/exchange.md). A fresh
    account is opened per pass and proven with GetFolder(Sent Items) before any send, so a
    stale keep-alive connection cannot turn a send into an ``uncertain`` one.
    """

    def __init__(self, source: EwsSource):
        self.source = source
        self.sent_folder: Any = None

    @property
    def where(self) -> str:
        return f"mailbox {self.source.name} (EWS, {self.source.cfg.primary_smtp_address})"

    def open(self, stop: threading.Event | None = None) -> None:
        if stop is not None:
            self.source.backoff.stop = stop
        if self.sent_folder is not None:
            return
        try:
            account = self.source.open_account()
            self.sent_folder = self.source._call(lambda: account.sent, "find Sent Items")
        except (AuthError, SourceError, ActionError) as exc:
            self.close()
            raise Unavailable(f"send via EWS: {exc}") from None

    def send(self, out: Outgoing) -> str:
        from exchangelib import Message
        from exchangelib import errors as ews_errors

        from .sources.exchange_common import Throttled

        account = self.source.account
        if account is None or self.sent_folder is None:
            raise Unavailable(f"{self.where}: not connected")
        item = Message(account=account, folder=self.sent_folder, mime_content=out.data)

        def attempt() -> Any:
            try:
                return item.send_and_save()
            except ews_errors.ErrorServerBusy as exc:  # refused before it was processed
                raise Throttled(exc.back_off, str(exc)) from None

        try:
            self.source.backoff.call(attempt, "send")
        except SourceError as exc:  # still throttled after the retries: nothing was sent
            raise Unavailable(str(exc)) from None
        except Exception as exc:
            raise self._classify(exc) from None
        return "EWS CreateItem SendAndSaveCopy: NoError (copy in the mailbox's Sent Items)"

    def _classify(self, exc: Exception) -> Exception:
        from exchangelib import errors as ews_errors

        from .sources.ews import _is_auth_error

        text = f"{self.where}: {type(exc).__name__}: {exc}"
        if _is_auth_error(exc) or isinstance(exc, ews_errors.ErrorSendAsDenied):
            return Unavailable(f"{text} (nothing sent; check the account's rights)")
        if isinstance(exc, ews_errors.ErrorTimeoutExpired):
            # exchangelib re-raises every connection error as this: look at the original
            if never_connected(exc.__context__):
                return Unavailable(f"{text} (not sent)")
            self.close()
            return SendUncertain(f"{text}: the request went out and no answer came back; "
                                 "it may have been sent (look in the mailbox's Sent Items)")
        if isinstance(exc, ews_errors.MalformedResponseError):
            return SendUncertain(f"{text}: unreadable answer; it may have been sent")
        if isinstance(exc, ews_errors.ResponseMessageError):
            return SendFailed(text)  # Exchange answered with an error: not sent
        if isinstance(exc, ews_errors.TransportError):
            return Unavailable(f"{text} (not sent)")
        self.close()
        return SendUncertain(f"{text}: it may have been sent")

    def close(self) -> None:
        self.sent_folder = None
        with contextlib.suppress(Exception):  # closing must not mask the real error
            self.source.close()


# -- Graph -------------------------------------------------------------------------------

THROTTLE_STATUS = (429, 503)  # Graph did not process the request; 504 may have been


class GraphTransport:
    """Sends as the shared mailbox through Graph: ``POST /users/{mailbox}/sendMail`` with
    the MIME message (base64, ``text/plain``). Needs the ``Mail.Send`` application
    permission scoped to the mailbox."""

    def __init__(self, source: GraphSource):
        self.source = source
        self.ready = False

    @property
    def where(self) -> str:
        return f"mailbox {self.source.name} (Graph, {self.source.cfg.mailbox})"

    def open(self, stop: threading.Event | None = None) -> None:
        if stop is not None:
            self.source.backoff.stop = stop
        if self.ready:
            return
        try:
            self.source.open_session()
            # proves the token and the rights on this mailbox before anything is sent
            self.source._request("GET", "/mailFolders/sentitems?$select=id", "find Sent Items")
        except (AuthError, SourceError, ActionError) as exc:
            self.close()
            raise Unavailable(f"send via Graph: {exc}") from None
        except Exception as exc:  # graph.NotFound: no Sent Items (no mailbox behind it)
            self.close()
            raise Unavailable(f"send via Graph: {self.where}: {type(exc).__name__}: {exc}"
                              ) from None
        self.ready = True

    def send(self, out: Outgoing) -> str:
        from .sources.exchange_common import Throttled
        from .sources.graph import _graph_error, _retry_after

        session = self.source.session
        if session is None or not self.ready:
            raise Unavailable(f"{self.where}: not connected")
        url = f"{self.source.base}/sendMail"
        body = base64.b64encode(out.data)
        refreshed = False

        def attempt() -> requests.Response:
            nonlocal refreshed
            try:
                response = session.post(url, data=body, headers={"Content-Type": "text/plain"},
                                        timeout=self.source.cfg.timeout_seconds)
            except requests.RequestException as exc:
                if never_connected(exc):
                    raise Unavailable(f"{self.where}: sendMail: cannot reach Graph: "
                                      f"{type(exc).__name__} (not sent)") from None
                self.close()
                raise SendUncertain(f"{self.where}: sendMail: {type(exc).__name__} after the "
                                    "request went out; it may have been sent (look in the "
                                    "mailbox's Sent Items)") from None
            if response.status_code in THROTTLE_STATUS:
                raise Throttled(_retry_after(response), f"HTTP {response.status_code}")
            if response.status_code == 401 and not refreshed:
                refreshed = True  # the token may have expired early: one fresh try
                try:
                    session.headers["Authorization"] = (
                        f"Bearer {self.source._token(fresh=True)}")
                except (AuthError, SourceError) as exc:
                    raise Unavailable(f"send via Graph: {exc}") from None
                return attempt()
            return response

        try:
            response = self.source.backoff.call(attempt, "sendMail")
        except SourceError as exc:  # still throttled after the retries: nothing was sent
            raise Unavailable(str(exc)) from None
        code = response.status_code
        if code in (200, 202):
            return f"Graph sendMail: HTTP {code} (copy in the mailbox's Sent Items)"
        detail = f"{self.where}: sendMail: HTTP {code} {_graph_error(response)}"
        if code in (401, 403):
            raise Unavailable(f"{detail} (nothing sent; check Mail.Send for this mailbox)")
        if code >= 500:  # a gateway or server error after the request arrived
            self.close()
            raise SendUncertain(f"{detail}: it may have been sent (look in the mailbox's "
                                "Sent Items)")
        raise SendFailed(detail)

    def close(self) -> None:
        self.ready = False
        with contextlib.suppress(Exception):
            self.source.close()


# -- routes ------------------------------------------------------------------------------

def api_routes(mailboxes: list[Any], store: Store,
               registry: CollectorRegistry | None) -> dict[str, Route]:
    """Routes of the Exchange mailboxes whose ``send_via`` is their own API, by name."""
    routes: dict[str, Route] = {}
    for box in mailboxes:
        if isinstance(box, EwsMailbox) and box.send_via == "ews":
            routes[box.name] = Route(f"ews:{box.name}", _maker(box, store, registry),
                                     box.primary_smtp_address.lower())
        elif isinstance(box, GraphMailbox) and box.send_via == "graph":
            routes[box.name] = Route(f"graph:{box.name}", _maker(box, store, registry),
                                     box.mailbox.lower())
    return routes


def _maker(box: EwsMailbox | GraphMailbox, store: Store,
           registry: CollectorRegistry | None) -> Callable[[], Transport]:
    def make() -> Transport:
        from .sources.exchange_common import exchange_metrics

        metrics = exchange_metrics(registry)
        if isinstance(box, EwsMailbox):
            from .sources.ews import EwsSource

            return EwsTransport(EwsSource(box, store, metrics))
        from .sources.graph import GraphSource

        return GraphTransport(GraphSource(box, store, metrics))

    return make
