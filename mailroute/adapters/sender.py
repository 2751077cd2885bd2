"""The outbox worker: delivers queued ``forward`` and ``reply`` actions through SMTP, or
through the mailbox's own Exchange API when it says ``send_via = "ews"``/``"graph"``
(transports.py; every rule below is the same for all of them).

Action states it drives (docs/smtp.md): ``queued`` -> ``sending`` -> ``done``; a failed
attempt goes back to ``queued`` with the error and a back-off, and after ``max_attempts``
to ``failed`` (final); a refused auto-reply becomes ``skipped`` with the reason. An action
is marked ``sending`` (committed) before its SMTP transaction (or API call) starts: one still
``sending`` when the sender starts again was interrupted mid-transaction, may or may not have
been delivered, and is marked ``uncertain`` for a human instead of being sent twice. A
connection lost after the message data (or the API request) went out is ``uncertain`` for the
same reason.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter as Tally
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from ..config.smtp import SmtpSection
from ..core import autoreply, compose
from ..core.message import Message, RawMail
from ..core.parse import parse
from .store import Store, iso, retry_time, utcnow
from .templates import ReplyTemplateError, Templates
from .transports import Route, SendFailed, SendUncertain, Transport, Unavailable, smtp_route

log = logging.getLogger("mailroute.sender")

SEND_KINDS = ("forward", "reply")
RESULTS = ("sent", "retry", "failed", "skipped", "uncertain")
SERVER_BACKOFF_MAX = 900.0


class SenderMetrics:
    """The sender's metrics, on the registry passed in."""

    def __init__(self, registry: CollectorRegistry):
        self.sends = Counter(
            "mailroute_sends_total",
            "Send attempts by mailbox, kind (forward, reply) and result "
            "(sent, retry, failed, skipped, uncertain).",
            ["mailbox", "kind", "result"], registry=registry,
        )
        self.duration = Histogram(
            "mailroute_send_duration_seconds",
            "Time of one send: an SMTP transaction (MAIL FROM to the end of DATA) or one "
            "EWS/Graph send call.",
            ["kind"], buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=registry,
        )
        self.queued = Gauge(
            "mailroute_outbox_queued_messages",
            "Sends waiting in the outbox (including those held back by max_per_hour).",
            ["mailbox"], registry=registry,
        )
        self.rate_limited = Counter(
            "mailroute_send_rate_limited_total",
            "Outbox passes in which a mailbox had reached smtp.max_per_hour.",
            ["mailbox"], registry=registry,
        )
        self.smtp_up = Gauge(
            "mailroute_smtp_up",
            "1 when the last connection to the SMTP server succeeded, else 0.",
            registry=registry,
        )
        self.transport_up = Gauge(
            "mailroute_send_transport_up",
            "1 when the last connection of a send route worked, else 0 (transport: smtp, "
            "or ews:/graph: and the mailbox name for send_via = ews/graph).",
            ["transport"], registry=registry,
        )


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


class Sender:
    """Drains the outbox. One instance per process; ``run`` is its thread's loop."""

    def __init__(
        self,
        store: Store,
        config: SmtpSection,
        templates: Templates,
        metrics: SenderMetrics,
        *,
        routes: dict[str, Route] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.store = store
        self.config = config
        self.templates = templates
        self.metrics = metrics
        self.clock = clock
        # mailbox -> its own API route (send_via = ews/graph); others go through SMTP when
        # smtp.enabled, else their sends stay queued
        self.routes = dict(routes or {})
        # the shared mailboxes that send for themselves are us too: never auto-replied to
        self.own = config.own() | {r.sender for r in self.routes.values() if r.sender}
        self._failures: dict[str, int] = {}  # route key -> consecutive connection failures
        self._retry_at: dict[str, datetime] = {}  # route key -> when to try it again
        self.last_error = ""  # why a send route was last unusable ("" once it works again)
        self._mailboxes: set[str] = set()
        self._capped: set[str] = set()
        self._lock = threading.Lock()  # one pass at a time (daemon thread vs. run --once)

    # -- lifecycle -----------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Recover after a crash, then drain the outbox every ``poll_interval_seconds``."""
        self.recover()
        while not stop.is_set():
            try:
                self.run_once(stop)
            except Exception:  # a store or bug error must not end the thread
                log.exception("outbox pass failed")
            stop.wait(self.config.poll_interval_seconds)

    def recover(self) -> int:
        """Mark sends a crash left ``sending`` as ``uncertain``: never resent automatically."""
        now = self.clock()
        with self.store.transaction() as db:
            rows = list(db.query(
                "SELECT a.id, a.kind, a.message, m.mailbox FROM actions a "
                "JOIN messages m ON m.id = a.message WHERE a.state = 'sending' "
                "AND a.kind IN ('forward', 'reply') ORDER BY a.id"
            ))
            for row in rows:
                db.execute(
                    "UPDATE actions SET state='uncertain', error=?, updated_at=? WHERE id=?",
                    ["interrupted during the SMTP transaction or API call (restart): it may or "
                     "may not have been delivered, so it is not resent automatically; check "
                     "the recipient, the SMTP server log or the mailbox's Sent Items, then "
                     "re-queue it if it was lost",
                     iso(now), row["id"]],
                )
        for row in rows:
            self.metrics.sends.labels(row["mailbox"], row["kind"], "uncertain").inc()
            log.error("send interrupted: marked uncertain for a human", extra={"fields": {
                "mailbox": row["mailbox"], "action": row["id"], "message": row["message"],
                "kind": row["kind"]}})
        return len(rows)

    # -- one pass ------------------------------------------------------------------------

    def run_once(self, stop: threading.Event | None = None) -> dict[str, int]:
        """Send every due queued action once. Returns counts by result (plus ``deferred``)."""
        with self._lock:
            counts: Tally[str] = Tally()
            self._capped = set()
            now = self.clock()
            open_: dict[str, Transport] = {}  # route key -> transport opened in this pass
            try:
                for row in self._due(now):
                    if stop is not None and stop.is_set():
                        break
                    route = self.route(row["mailbox"])
                    if route is None:
                        continue  # SMTP is off and this mailbox has no API route: waits
                    retry_at = self._retry_at.get(route.key)
                    if retry_at is not None and now < retry_at:
                        continue  # its server was down: wait for the route's back-off
                    self._one(row, route, open_, counts, stop)
            finally:
                for transport in open_.values():
                    transport.close()
                self._gauge()
            return dict(counts)

    def route(self, mailbox: str) -> Route | None:
        """The way out for ``mailbox``'s sends: its own API, else SMTP when enabled."""
        if mailbox in self.routes:
            return self.routes[mailbox]
        return smtp_route(self.config, mailbox) if self.config.enabled else None

    def _due(self, now: datetime) -> list[dict[str, Any]]:
        with self.store.transaction() as db:
            rows = list(db.query(
                "SELECT a.*, m.mailbox FROM actions a JOIN messages m ON m.id = a.message "
                "WHERE a.state = 'queued' AND a.kind IN ('forward', 'reply') ORDER BY a.id"
            ))
        due = []
        for row in rows:
            attempts = row["attempts"] or 0
            if attempts and row["updated_at"]:
                retry_at = retry_time(_parse_iso(row["updated_at"]),
                                      self.config.retry_backoff_seconds, attempts)
                if retry_at > now:
                    continue
            due.append(row)
        return due

    def _one(
        self, row: dict[str, Any], route: Route, open_: dict[str, Transport],
        counts: Tally[str], stop: threading.Event | None,
    ) -> str:
        mailbox, kind = row["mailbox"], row["kind"]
        now = self.clock()
        if self._sent_within_hour(mailbox, now) >= self.config.max_per_hour:
            if mailbox not in self._capped:  # count each mailbox once a pass
                self._capped.add(mailbox)
                self.metrics.rate_limited.labels(mailbox).inc()
            counts["deferred"] += 1
            return "deferred"
        try:
            outgoing, skip = self._compose(row, route, now)
        except (SendFailed, ReplyTemplateError, ValueError) as exc:
            self._retry_or_fail(row, f"cannot build the {kind}: {exc}", counts)
            return "failed"
        except Exception as exc:  # a bug must not block the queue: bounded by max_attempts
            log.exception("building a send failed", extra={"fields": self._fields(row)})
            self._retry_or_fail(row, f"cannot build the {kind}: {type(exc).__name__}: {exc}",
                                counts)
            return "failed"
        if outgoing is None:
            self._skip(row, skip, counts)
            return "skipped"
        transport = open_.get(route.key)
        if transport is None:  # opened lazily: a pass of only skips connects to nothing
            transport = route.make()
            try:
                transport.open(stop)
            except Unavailable as exc:
                transport.close()
                self._server_down(route, str(exc))
                return "server_down"
            open_[route.key] = transport
            self._server_up(route)
        recipient = outgoing.recipients[0] if kind == "reply" else ""
        if not self._claim(row, recipient, now):
            return "gone"  # another sender took it
        started = time.perf_counter()
        try:
            answer = transport.send(outgoing)
        except SendUncertain as exc:
            self._uncertain(row, str(exc), counts)
            return "uncertain"
        except Unavailable as exc:  # unreachable or refused before anything was sent
            self._release(row, f"not sent: {exc}")
            transport.close()
            del open_[route.key]
            self._server_down(route, str(exc))
            return "server_down"
        except SendFailed as exc:
            self._retry_or_fail(row, str(exc), counts, sending=True)
            return "failed"
        self.metrics.duration.labels(kind).observe(time.perf_counter() - started)
        self._done(row, outgoing, answer, counts)
        return "sent"

    # -- building ------------------------------------------------------------------------

    def _compose(
        self, row: dict[str, Any], route: Route, now: datetime
    ) -> tuple[compose.Outgoing | None, str]:
        raw_bytes = self.store.outbox_raw(row["id"])
        if raw_bytes is None:
            raise SendFailed("the copy of the original is missing from the outbox")
        msg_row = self.store.message_row(row["message"]) or {}
        raw = RawMail(row["mailbox"], msg_row.get("folder") or "", msg_row.get("source_id") or "",
                      raw_bytes)
        message = parse(raw)
        about = compose.About(
            mailbox=row["mailbox"], action_id=int(row["id"]),
            category=msg_row.get("label") or "", confidence=msg_row.get("confidence"),
            rule=row.get("rule") or msg_row.get("rule") or "",
            summary=str(msg_row.get("summary") or ""),
            fields=tuple((f["name"], f["value"] or "", f["status"])
                         for f in self.store.fields_of(row["message"])),
        )
        sender = route.sender or self.config.sender_for(row["mailbox"])
        message_id = make_msgid(domain=sender.rpartition("@")[2] or None)
        params = _params(row)
        if row["kind"] == "forward":
            to = tuple(params.get("to") or ())
            return compose.forward(raw_bytes, message, about, sender=sender, to=to,
                                   mode=params.get("mode") or "attachment",
                                   message_id=message_id, now=now), ""
        return self._reply(row, message, about, sender, message_id, now)

    def _reply(
        self, row: dict[str, Any], message: Message, about: compose.About, sender: str,
        message_id: str, now: datetime,
    ) -> tuple[compose.Outgoing | None, str]:
        allowed, reason = autoreply.check(
            message, self.own, require_return_path=self.config.require_return_path)
        if not allowed:
            return None, reason
        recipient = autoreply.reply_address(
            message, require_return_path=self.config.require_return_path)
        earlier = self._replied_at(row["mailbox"], recipient, row["id"], now)
        if earlier:
            return None, (f"already auto-replied to {recipient} at {earlier} "
                          f"(one per {self.config.reply_period_hours:g} h)")
        rendered = self.templates.render(row["target"], {
            "subject": message.subject,
            "sender_name": message.from_.name if message.from_ else "",
            "sender_email": message.from_.email if message.from_ else "",
            "category": about.category,
            "confidence": round(about.confidence, 3) if about.confidence is not None else None,
            "language": message.language,
            "mailbox": about.mailbox,
            "rule": about.rule,
            "summary": about.summary,
        })
        return compose.reply(
            message, about, sender=sender, recipient=recipient, body=rendered.body,
            subject=rendered.subject, message_id=message_id, now=now,
            null_sender=self.config.reply_null_sender,
        ), ""

    # -- routes up and down --------------------------------------------------------------

    def _server_up(self, route: Route) -> None:
        if route.key == "smtp":
            self.metrics.smtp_up.set(1)
        self.metrics.transport_up.labels(route.key).set(1)
        self._failures.pop(route.key, None)
        self._retry_at.pop(route.key, None)
        if not self._retry_at:
            self.last_error = ""

    def _server_down(self, route: Route, error: str) -> None:
        """Nothing was sent: the route's sends stay queued, no attempt is counted, and the
        route is tried again after a back-off (doubling, at most 15 minutes)."""
        if route.key == "smtp":
            self.metrics.smtp_up.set(0)
        self.metrics.transport_up.labels(route.key).set(0)
        self.last_error = error
        failures = self._failures.get(route.key, 0) + 1
        self._failures[route.key] = failures
        delay = min(SERVER_BACKOFF_MAX,
                    max(1.0, self.config.retry_backoff_seconds) * 2 ** (failures - 1))
        self._retry_at[route.key] = self.clock() + timedelta(seconds=delay)
        what = "SMTP server" if route.key == "smtp" else f"send route {route.key}"
        log.error(f"{what} unavailable: sends stay queued", extra={"fields": {
            "transport": route.key, "error": error, "retry_in_seconds": round(delay, 1)}})

    # -- recording -----------------------------------------------------------------------

    def _claim(self, row: dict[str, Any], recipient: str, now: datetime) -> bool:
        """``queued`` -> ``sending``, committed before the SMTP transaction starts. A reply
        also takes its once-per-period slot here, so even an uncertain one counts."""
        with self.store.transaction() as db:
            cur = db.execute(
                "UPDATE actions SET state='sending', updated_at=? WHERE id=? AND state='queued'",
                [iso(now), row["id"]],
            )
            if cur.rowcount != 1:
                return False
            if recipient:
                db["replies"].insert({"mailbox": row["mailbox"], "recipient": recipient,
                                      "action": row["id"], "sent_at": iso(now)})
        return True

    def _release(self, row: dict[str, Any], error: str) -> None:
        """Back to ``queued`` without counting an attempt: the server was not reachable."""
        with self.store.transaction() as db:
            db.execute("UPDATE actions SET state='queued', error=? WHERE id=?",
                       [error[:2000], row["id"]])
            db.execute("DELETE FROM replies WHERE action=?", [row["id"]])

    def _done(self, row: dict[str, Any], out: compose.Outgoing, answer: str,
              counts: Tally[str]) -> None:
        result = f"sent to {', '.join(out.recipients)}: {answer}; Message-ID {out.message_id}"
        with self.store.transaction() as db:
            db.execute(
                "UPDATE actions SET state='done', result=?, error=NULL, attempts=attempts+1, "
                "updated_at=? WHERE id=?", [result[:2000], iso(self.clock()), row["id"]],
            )
        self._count(row, "sent", counts)
        log.info("sent", extra={"fields": self._fields(row)})

    def _skip(self, row: dict[str, Any], reason: str, counts: Tally[str]) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE actions SET state='skipped', result=?, updated_at=? WHERE id=?",
                [f"not sent: {reason}"[:2000], iso(self.clock()), row["id"]],
            )
        self._count(row, "skipped", counts)
        log.info("auto-reply not sent", extra={"fields": {**self._fields(row), "reason": reason}})

    def _retry_or_fail(self, row: dict[str, Any], error: str, counts: Tally[str], *,
                       sending: bool = False) -> None:
        now = self.clock()
        attempts = (row["attempts"] or 0) + 1
        final = attempts >= self.config.max_attempts
        with self.store.transaction() as db:
            if final:
                db.execute(
                    "UPDATE actions SET state='failed', error=?, result=NULL, attempts=?, "
                    "updated_at=? WHERE id=?",
                    [f"gave up after {attempts} attempt(s): {error}"[:2000], attempts, iso(now),
                     row["id"]],
                )
            else:
                retry_at = retry_time(now, self.config.retry_backoff_seconds, attempts)
                db.execute(
                    "UPDATE actions SET state='queued', error=?, result=?, attempts=?, "
                    "updated_at=? WHERE id=?",
                    [error[:2000], f"attempt {attempts} failed; next try after {iso(retry_at)}",
                     attempts, iso(now), row["id"]],
                )
            if sending:
                db.execute("DELETE FROM replies WHERE action=?", [row["id"]])
        result = "failed" if final else "retry"
        self._count(row, result, counts)
        log.log(logging.ERROR if final else logging.WARNING,
                "send failed: gave up" if final else "send failed: will retry",
                extra={"fields": {**self._fields(row), "attempt": attempts, "error": error}})

    def _uncertain(self, row: dict[str, Any], error: str, counts: Tally[str]) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE actions SET state='uncertain', error=?, attempts=attempts+1, "
                "updated_at=? WHERE id=?", [error[:2000], iso(self.clock()), row["id"]],
            )
        self._count(row, "uncertain", counts)
        log.error("send uncertain: left for a human", extra={"fields": {
            **self._fields(row), "error": error}})

    def _count(self, row: dict[str, Any], result: str, counts: Tally[str]) -> None:
        counts[result] += 1
        self.metrics.sends.labels(row["mailbox"], row["kind"], result).inc()

    @staticmethod
    def _fields(row: dict[str, Any]) -> dict[str, Any]:
        # no addresses or subjects in the log line: the store has them for the audit
        return {"mailbox": row["mailbox"], "action": row["id"], "message": row["message"],
                "kind": row["kind"], "rule": row.get("rule") or "-"}

    # -- limits --------------------------------------------------------------------------

    def _sent_within_hour(self, mailbox: str, now: datetime) -> int:
        since = iso(now - timedelta(hours=1))
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM actions a JOIN messages m ON m.id = a.message "
                "WHERE m.mailbox = ? AND a.kind IN ('forward', 'reply') "
                "AND a.state IN ('done', 'sending', 'uncertain') AND a.updated_at >= ?",
                [mailbox, since],
            ).fetchone()
        return int(row[0])

    def _replied_at(self, mailbox: str, recipient: str, action_id: int, now: datetime) -> str:
        since = iso(now - timedelta(hours=self.config.reply_period_hours))
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT MAX(sent_at) FROM replies WHERE mailbox = ? AND recipient = ? "
                "AND sent_at >= ? AND action != ?",
                [mailbox, recipient, since, action_id],
            ).fetchone()
        return row[0] or ""

    def _gauge(self) -> None:
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT m.mailbox, COUNT(*) FROM actions a JOIN messages m ON m.id = a.message "
                "WHERE a.state = 'queued' AND a.kind IN ('forward', 'reply') GROUP BY m.mailbox"
            ).fetchall()
        seen = dict(rows)
        for mailbox in self._mailboxes | set(seen):
            self.metrics.queued.labels(mailbox).set(seen.get(mailbox, 0))
        self._mailboxes |= set(seen)


def _params(row: dict[str, Any]) -> dict[str, Any]:
    try:
        return json.loads(row.get("params") or "{}")
    except ValueError:
        return {}

