"""What a person does with sends the sender could not settle: list, re-queue, resolve.

``failed`` and ``uncertain`` sends are final for the sender (it never guesses); a person
checks the recipient or the SMTP log and then either re-queues the send (it was lost) or
resolves it (it arrived after all, or is no longer wanted). Each step needs a reason, which
is recorded on the action with who did it.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..errors import ActionError
from .store import Store, iso, utcnow

log = logging.getLogger("mailroute.outbox")

SEND_KINDS = ("forward", "reply")
OPEN_STATES = ("failed", "uncertain")
STATES = ("queued", "sending", "done", "skipped", "failed", "uncertain")


def list_sends(store: Store, states: Sequence[str], limit: int = 100) -> list[dict[str, Any]]:
    """Sends in ``states``, newest first, with their message's mailbox and subject."""
    marks = ",".join("?" for _ in states)
    return list(store.db.query(
        "SELECT a.id, a.message, a.kind, a.target, a.params, a.state, a.attempts, a.result, "
        "a.error, a.updated_at, m.mailbox, m.subject FROM actions a "
        "JOIN messages m ON m.id = a.message WHERE a.kind IN ('forward', 'reply') "
        f"AND a.state IN ({marks}) ORDER BY a.id DESC LIMIT ?",
        [*states, int(limit)],
    ))


def _open_send(store: Store, action_id: int) -> dict[str, Any]:
    rows = list(store.db.query(
        "SELECT a.*, m.mailbox FROM actions a JOIN messages m ON m.id = a.message "
        "WHERE a.id = ?", [action_id]))
    if not rows or rows[0]["kind"] not in SEND_KINDS:
        raise ActionError(f"action {action_id}: no forward or reply with this id")
    row = rows[0]
    if row["state"] not in OPEN_STATES:
        raise ActionError(f"action {action_id}: state is {row['state']!r}; only "
                          f"{' or '.join(OPEN_STATES)} sends can be re-queued or resolved")
    return row


def _who() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def requeue(store: Store, action_id: int, reason: str, now: datetime | None = None) -> None:
    """Send it again: back to ``queued`` with fresh attempts (and a free reply slot)."""
    if not reason.strip():
        raise ActionError("a reason is required")
    row = _open_send(store, action_id)
    note = f"re-queued by {_who()} (was {row['state']}: {row['error'] or '-'}): {reason.strip()}"
    with store.transaction() as db:
        db.execute(
            "UPDATE actions SET state='queued', attempts=0, error=NULL, result=?, updated_at=? "
            "WHERE id=?", [note[:2000], iso(now or utcnow()), action_id])
        db.execute("DELETE FROM replies WHERE action=?", [action_id])
    log.warning("send re-queued by hand", extra={"fields": {
        "mailbox": row["mailbox"], "action": action_id, "kind": row["kind"],
        "reason": reason.strip()}})


def resolve(store: Store, action_id: int, reason: str, *, delivered: bool,
            now: datetime | None = None) -> None:
    """Close it without sending: ``done`` when it arrived after all, else ``skipped``."""
    if not reason.strip():
        raise ActionError("a reason is required")
    row = _open_send(store, action_id)
    state = "done" if delivered else "skipped"
    what = "confirmed delivered" if delivered else "dropped"
    note = f"{what} by {_who()} (was {row['state']}): {reason.strip()}"
    with store.transaction() as db:
        db.execute("UPDATE actions SET state=?, result=?, updated_at=? WHERE id=?",
                   [state, note[:2000], iso(now or utcnow()), action_id])
    log.warning("send resolved by hand", extra={"fields": {
        "mailbox": row["mailbox"], "action": action_id, "kind": row["kind"], "state": state,
        "reason": reason.strip()}})
