"""Per mailbox/folder checkpoints in the store: how far a source has read.

IMAP keeps UIDVALIDITY and the highest UID below which everything is finished; Exchange
sources keep their sync state or delta token in ``state``. One table, one design.
"""

from __future__ import annotations

from dataclasses import dataclass

from .store import Store, iso, utcnow


@dataclass(frozen=True, slots=True)
class Checkpoint:
    mailbox: str
    folder: str
    uidvalidity: int | None = None
    last_uid: int = 0
    state: str = ""


def get_checkpoint(store: Store, mailbox: str, folder: str) -> Checkpoint:
    row = store.db.execute(
        "SELECT uidvalidity, last_uid, state FROM checkpoints WHERE mailbox=? AND folder=?",
        [mailbox, folder],
    ).fetchone()
    if row is None:
        return Checkpoint(mailbox, folder)
    return Checkpoint(mailbox, folder, row[0], row[1] or 0, row[2] or "")


def set_checkpoint(store: Store, checkpoint: Checkpoint) -> None:
    # plain SQL: sqlite-utils' upsert commits on its own, which would end an outer batch
    with store.transaction() as db:
        db.execute(
            "INSERT INTO checkpoints (mailbox, folder, uidvalidity, last_uid, state, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (mailbox, folder) DO UPDATE SET "
            "uidvalidity=excluded.uidvalidity, last_uid=excluded.last_uid, "
            "state=excluded.state, updated_at=excluded.updated_at",
            [checkpoint.mailbox, checkpoint.folder, checkpoint.uidvalidity,
             checkpoint.last_uid, checkpoint.state, iso(utcnow())],
        )
