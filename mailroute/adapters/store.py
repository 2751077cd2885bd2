"""The audit store: SQLite through sqlite-utils, one row per message and per action.

Status of a message: ``pending`` (claimed, not finished: a crash leaves it here to be
retried), ``failed`` (an attempt failed; retried after ``next_attempt_at``), ``done``
(routed), ``exception`` (handed to a human), ``error`` (gave up after max attempts and
could not even reach the exceptions route; needs an operator). Action states:
``intended`` (written before it runs), ``done``, ``failed``, ``queued`` (waiting for a
sender, e.g. SMTP), ``skipped``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from ..core.classify import Classification
from ..core.decide import Decision
from ..core.message import Message, RawMail
from ..core.rules import Action
from ..errors import MailrouteError
from .codec import encode_message

FINISHED = ("done", "exception")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds") if dt else None


class StoreError(MailrouteError):
    """The store could not be opened or written."""


class _LockedDatabase(sqlite_utils.Database):
    """``query`` wraps each read in a SAVEPOINT on the one shared connection; two threads
    reading at once break each other's savepoint ("no such savepoint"). Serialise reads with
    the writers and fetch the rows inside the lock."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock):
        super().__init__(conn)
        self._read_lock = lock

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
        with self._read_lock:
            return iter(list(super().query(sql, params)))


def _v1(db: sqlite_utils.Database) -> None:
    db["messages"].create(
        {
            "id": int, "mailbox": str, "folder": str, "source_id": str, "message_id": str,
            "content_hash": str, "subject": str, "sender": str, "received_at": str,
            "first_seen_at": str, "updated_at": str, "finished_at": str, "status": str,
            "attempts": int, "next_attempt_at": str, "last_error": str, "label": str,
            "confidence": float, "alternatives": str, "model_version": str, "tier": str,
            "rule": str, "reason": str, "outcome": str, "exception_code": str,
            "language": str, "defects": str, "size": int, "message": bytes,
        },
        pk="id",
        not_null={"mailbox", "folder", "source_id", "status"},
        defaults={"attempts": 0},
    )
    db["messages"].create_index(["mailbox", "folder", "source_id"], unique=True)
    db["messages"].create_index(["status", "next_attempt_at"])
    db["messages"].create_index(["first_seen_at"])
    db["messages"].create_index(["message_id", "content_hash"])
    db["actions"].create(
        {
            "id": int, "message": int, "seq": int, "kind": str, "target": str, "params": str,
            "rule": str, "state": str, "result": str, "attempts": int, "error": str,
            "created_at": str, "updated_at": str,
        },
        pk="id",
        foreign_keys=[("message", "messages", "id")],
        defaults={"attempts": 0},
    )
    db["actions"].create_index(["message", "seq"], unique=True)
    db["actions"].create_index(["state", "kind"])
    db["outbox"].create(
        {"action": int, "message": int, "raw": bytes, "created_at": str},
        pk="action",
        foreign_keys=[("action", "actions", "id"), ("message", "messages", "id")],
    )
    db["checkpoints"].create(
        {"mailbox": str, "folder": str, "uidvalidity": int, "last_uid": int, "state": str,
         "updated_at": str},
        pk=("mailbox", "folder"),
    )
    # Auto-replies sent, per mailbox and recipient: at most one per period (RFC 3834).
    db["replies"].create(
        {"id": int, "mailbox": str, "recipient": str, "action": int, "sent_at": str},
        pk="id",
    )
    db["replies"].create_index(["mailbox", "recipient", "sent_at"])
    # Every LLM call: purpose, model, template version, tokens, latency, outcome, hashes.
    db["llm_calls"].create(
        {"id": int, "message": int, "purpose": str, "model": str, "template_version": str,
         "tokens_in": int, "tokens_out": int, "latency_seconds": float, "outcome": str,
         "prompt_sha256": str, "response_sha256": str, "prompt": str, "response": str,
         "cost": float, "cached": int, "created_at": str},
        pk="id",
    )
    db["llm_calls"].create_index(["message"])
    db["llm_calls"].create_index(["created_at"])
    # Fields extracted from a message (LLM tier), each with its validation status.
    db["fields"].create(
        {"message": int, "schema": str, "name": str, "value": str, "status": str,
         "detail": str},
        pk=("message", "schema", "name"),
    )
    # Human corrections: a person filed a routed message under another category.
    db["corrections"].create(
        {"id": int, "message": int, "predicted": str, "corrected": str, "source": str,
         "who": str, "created_at": str},
        pk="id",
    )
    db["corrections"].create_index(["message"])


def _v2(db: sqlite_utils.Database) -> None:
    """The LLM tier's tables, the Date header apart from the arrival time, and KPI indexes."""
    db["llm_cache"].create(
        {"key": str, "purpose": str, "response": str, "tokens_in": int, "tokens_out": int,
         "created_at": str},
        pk="key", if_not_exists=True,
    )
    db["summaries"].create(
        {"message": int, "summary": str, "language": str, "template_version": str,
         "created_at": str},
        pk="message", if_not_exists=True,
    )
    db["attachment_texts"].create(
        {"message": int, "filename": str, "kind": str, "status": str, "chars": int,
         "detail": str, "created_at": str},
        if_not_exists=True,
    )
    columns = db["messages"].columns_dict
    if "summary" not in columns:  # the sender puts it in a forward's header block
        db["messages"].add_column("summary", str)
    # received_at is when the mailbox got the message (Maildir mtime, IMAP INTERNALDATE);
    # sent_at is the sender's Date header, which can be wrong or forged.
    if "sent_at" not in columns:
        db["messages"].add_column("sent_at", str)
    db["messages"].create_index(["finished_at"], if_not_exists=True)


MIGRATIONS = [_v1, _v2]


@dataclass(frozen=True, slots=True)
class Claim:
    """A message this process may now work on, with what an earlier attempt left."""

    pk: int
    attempts: int
    actions: tuple[dict[str, Any], ...]


class Store:
    """All reads and writes of the audit store. Thread-safe; one connection, WAL mode."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open store: {exc}") from exc
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        self._lock = threading.RLock()
        self._depth = 0  # open transactions of the lock-holding thread (>1: savepoints)
        self.db = _LockedDatabase(conn, self._lock)
        self.migrate()

    # -- schema --------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema up to date; each step runs in its own transaction."""
        with self._lock:
            for version, step in enumerate(MIGRATIONS, start=1):
                if self.schema_version < version:
                    with self.db.conn:
                        step(self.db)
                        self.db.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """Serialise with every other writer and commit (or roll back) as one unit.

        Nested inside another transaction (a batch of messages, see ``Pipeline``), it is a
        SAVEPOINT: its writes are undone alone when it fails, and committed with the outer
        transaction, so a batch costs one commit instead of one per statement group.
        """
        with self._lock:
            if self._depth:
                yield from self._savepoint()
                return
            self._depth = 1
            try:
                with self.db.conn:
                    # explicit BEGIN: otherwise the first SAVEPOINT would open (and its
                    # RELEASE commit) the transaction
                    if not self.db.conn.in_transaction:
                        self.db.conn.execute("BEGIN")
                    yield self.db
            finally:
                self._depth = 0

    def _savepoint(self) -> Iterator[sqlite_utils.Database]:
        name = f"mr{self._depth}"
        self._depth += 1
        self.db.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self.db
        except BaseException:
            self.db.conn.execute(f"ROLLBACK TO {name}")
            self.db.conn.execute(f"RELEASE {name}")
            raise
        else:
            self.db.conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    _tx = transaction

    # The hot path (a handful of statements per message) uses plain SQL: sqlite-utils'
    # insert/update/query introspect the table and open a savepoint on every call, which
    # cost more than the rest of the pipeline. Column names here are ours, never input.

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())
        )
        return int(cursor.lastrowid)

    def _update(self, table: str, pk: int, row: dict[str, Any]) -> None:
        assignments = ", ".join(f"{column}=?" for column in row)
        self.db.conn.execute(f"UPDATE {table} SET {assignments} WHERE id=?",
                             [*row.values(), pk])

    def _one(self, sql: str, params: Sequence[Any]) -> None:
        """One statement: atomic by itself, so inside a batch it needs no savepoint of its
        own; outside one it is committed at once."""
        with self._lock:
            if self._depth:
                self.db.conn.execute(sql, list(params))
                return
            with self._tx():
                self.db.conn.execute(sql, list(params))

    def _select(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self.db.conn.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    def writable(self) -> bool:
        try:
            with self._tx() as db:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS _probe (x)")
            return True
        except sqlite3.Error:
            return False

    # -- claiming ------------------------------------------------------------------------

    def find_handled(self, mailbox: str, message_id: str, content_hash: str) -> dict | None:
        """A finished message with the same Message-ID and content, e.g. after UIDVALIDITY
        changed and every UID is new: the caller must not act on it again."""
        rows = list(self.db.query(
            "SELECT * FROM messages WHERE mailbox=? AND message_id=? AND content_hash=? "
            "AND status IN ('done','exception','error') ORDER BY id DESC LIMIT 1",
            [mailbox, message_id, content_hash],
        ))
        return rows[0] if rows else None

    def status(self, mailbox: str, folder: str, source_id: str) -> str | None:
        row = self.db.execute(
            "SELECT status FROM messages WHERE mailbox=? AND folder=? AND source_id=?",
            [mailbox, folder, source_id],
        ).fetchone()
        return row[0] if row else None

    def finished_ids(self, mailbox: str, folder: str) -> set[str]:
        """Source ids already handled (or given up) in one folder: the source skips these."""
        rows = self.db.execute(
            "SELECT source_id FROM messages WHERE mailbox=? AND folder=? "
            "AND status IN ('done','exception','error')",
            [mailbox, folder],
        )
        return {r[0] for r in rows}

    def claim(self, raw: RawMail, now: datetime | None = None) -> Claim | None:
        """Start (or resume) work on ``raw``; ``None`` when it is finished or not yet due."""
        now = now or utcnow()
        with self._tx() as db:
            row = db.execute(
                "SELECT id, status, attempts, next_attempt_at FROM messages "
                "WHERE mailbox=? AND folder=? AND source_id=?",
                [raw.mailbox, raw.folder, raw.source_id],
            ).fetchone()
            if row is None:
                pk = self._insert(
                    "messages",
                    {
                        "mailbox": raw.mailbox, "folder": raw.folder, "source_id": raw.source_id,
                        "content_hash": raw.content_hash, "received_at": iso(raw.received_at),
                        "first_seen_at": iso(now), "updated_at": iso(now), "status": "pending",
                        "attempts": 1, "size": len(raw.data),
                    },
                )
                return Claim(pk, 1, ())
            pk, status, attempts, next_at = row
            if status in (*FINISHED, "error"):
                return None
            if status == "failed" and next_at and next_at > iso(now):
                return None
            db.execute(
                "UPDATE messages SET status='pending', attempts=attempts+1, updated_at=? "
                "WHERE id=?",
                [iso(now), pk],
            )
            actions = tuple(self.actions_of(pk))
            return Claim(int(pk), attempts + 1, actions)

    # -- recording -----------------------------------------------------------------------

    def record_decision(
        self,
        pk: int,
        message: Message,
        classification: Classification | None,
        decision: Decision,
        *,
        keep_message: bool = True,
        now: datetime | None = None,
    ) -> list[int]:
        """Write the classification, the decision and every action as ``intended``.

        All in one transaction, before any action runs: the journal that makes
        actions exactly-once across crashes.
        """
        now = now or utcnow()
        stamp = iso(now)
        with self._tx() as db:
            self._update(
                "messages",
                pk,
                {
                    "message_id": message.message_id, "subject": message.subject[:500],
                    "sender": message.from_.email if message.from_ else "",
                    "sent_at": iso(message.date) if message.date else None,
                    "label": classification.label if classification else None,
                    "confidence": classification.confidence if classification else None,
                    "alternatives": json.dumps(classification.alternatives)
                    if classification else None,
                    "model_version": classification.model_version if classification else None,
                    "tier": decision.tier, "rule": decision.rule, "reason": decision.reason,
                    "outcome": decision.outcome, "exception_code": decision.code or None,
                    "language": message.language, "defects": json.dumps(list(message.defects)),
                    "message": encode_message(message) if keep_message else None,
                    "updated_at": stamp,
                },
            )
            db.execute(
                "UPDATE messages SET received_at=COALESCE(received_at, first_seen_at) "
                "WHERE id=?", [pk],
            )
            return [
                self._insert(
                    "actions",
                    {
                        "message": pk, "seq": seq, "kind": action.kind,
                        "target": action.target, "rule": action.rule,
                        "params": json.dumps({"to": list(action.to), "mode": action.mode}),
                        "state": "intended", "attempts": 0, "created_at": stamp,
                        "updated_at": stamp,
                    },
                )
                for seq, action in enumerate(decision.actions)
            ]

    def set_action(
        self, action_id: int, state: str, *, result: str = "", error: str = "",
        now: datetime | None = None,
    ) -> None:
        self._one(
            "UPDATE actions SET state=?, result=?, error=?, attempts=attempts+1, "
            "updated_at=? WHERE id=?",
            [state, result or None, error or None, iso(now or utcnow()), action_id],
        )

    def add_action(self, pk: int, action: Action, now: datetime | None = None) -> int:
        """Append an action to a message's journal (e.g. the exceptions move after failures)."""
        stamp = iso(now or utcnow())
        with self._tx() as db:
            seq = db.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM actions WHERE message=?", [pk]
            ).fetchone()[0]
            return self._insert(
                "actions",
                {
                    "message": pk, "seq": seq, "kind": action.kind, "target": action.target,
                    "rule": action.rule, "params": json.dumps({"to": [], "mode": ""}),
                    "state": "intended", "created_at": stamp, "updated_at": stamp,
                },
            )

    def finish(self, pk: int, status: str, now: datetime | None = None, error: str = "") -> None:
        stamp = iso(now or utcnow())
        self._one(
            "UPDATE messages SET status=?, finished_at=?, updated_at=?, "
            "last_error=COALESCE(?, last_error), next_attempt_at=NULL WHERE id=?",
            [status, stamp, stamp, error or None, pk],
        )

    def fail(self, pk: int, error: str, retry_at: datetime, now: datetime | None = None) -> None:
        self._one(
            "UPDATE messages SET status='failed', last_error=?, next_attempt_at=?, "
            "updated_at=? WHERE id=?",
            [error[:2000], iso(retry_at), iso(now or utcnow()), pk],
        )

    def set_outcome(self, pk: int, outcome: str, code: str, reason: str) -> None:
        self._one(
            "UPDATE messages SET outcome=?, exception_code=?, "
            "reason=COALESCE(reason || '; ', '') || ? WHERE id=?",
            [outcome, code, reason, pk],
        )

    # -- reading -------------------------------------------------------------------------

    def unfinished(self, mailbox: str) -> list[dict[str, Any]]:
        """Messages a crash or failure left unfinished, with their actions."""
        rows = list(
            self.db.query(
                "SELECT id, folder, source_id, status, attempts FROM messages "
                "WHERE mailbox=? AND status IN ('pending','failed') ORDER BY id",
                [mailbox],
            )
        )
        for row in rows:
            row["actions"] = list(
                self.db.query("SELECT * FROM actions WHERE message=? ORDER BY seq", [row["id"]])
            )
        return rows

    def actions_of(self, pk: int) -> list[dict[str, Any]]:
        return self._select("SELECT * FROM actions WHERE message=? ORDER BY seq", [pk])

    def fields_of(self, pk: int) -> list[dict[str, Any]]:
        """Fields the LLM tier extracted from a message, with their validation status."""
        return self._select("SELECT schema, name, value, status, detail FROM fields "
                            "WHERE message=? ORDER BY schema, rowid", [pk])

    def message_row(self, pk: int) -> dict[str, Any] | None:
        rows = self._select("SELECT * FROM messages WHERE id=?", [pk])
        return rows[0] if rows else None

    def decisions(
        self,
        *,
        mailbox: str | None = None,
        label: str | None = None,
        status: str | None = None,
        since: datetime | None = None,
        limit: int | None = 50,
        with_message: bool = False,
    ) -> list[dict[str, Any]]:
        """Recent messages with their decision, newest first; ``actions`` as a list."""
        where, params = ["1=1"], []
        for column, value in (("mailbox", mailbox), ("label", label), ("status", status)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if since:
            where.append("first_seen_at >= ?")
            params.append(iso(since))
        columns = "*" if with_message else (
            "id, mailbox, folder, source_id, message_id, subject, sender, sent_at, received_at, "
            "first_seen_at, finished_at, status, attempts, last_error, label, confidence, "
            "model_version, tier, rule, reason, outcome, exception_code, language, defects"
        )
        sql = f"SELECT {columns} FROM messages WHERE {' AND '.join(where)} ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = list(self.db.query(sql, params))
        for row in rows:
            row["actions"] = [
                {k: a[k] for k in ("kind", "target", "state", "result", "error")}
                for a in self.actions_of(row["id"])
            ]
        return rows

    def counts(self) -> dict[str, int]:
        return {
            row["status"]: row["n"]
            for row in self.db.query("SELECT status, COUNT(*) AS n FROM messages GROUP BY status")
        }

    def enqueue_send(
        self, action_id: int, pk: int, raw: bytes, now: datetime | None = None
    ) -> None:
        """Queue a send action with a copy of the original bytes, for a sender to deliver.

        The copy makes the send independent of the mailbox: the message can be moved on
        while the SMTP server is down, and the send still happens once it is back.
        """
        stamp = iso(now or utcnow())
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO outbox (action, message, raw, created_at) "
                "VALUES (?, ?, ?, ?)", [action_id, pk, zlib.compress(raw, 6), stamp],
            )
            db.execute(
                "UPDATE actions SET state='queued', result='waiting for a sender', updated_at=? "
                "WHERE id=?", [stamp, action_id],
            )

    def outbox_raw(self, action_id: int) -> bytes | None:
        row = self.db.execute("SELECT raw FROM outbox WHERE action=?", [action_id]).fetchone()
        return zlib.decompress(row[0]) if row else None

    def queued_actions(self, kinds: Sequence[str]) -> list[dict[str, Any]]:
        marks = ",".join("?" for _ in kinds)
        return list(
            self.db.query(
                f"SELECT * FROM actions WHERE state='queued' AND kind IN ({marks}) ORDER BY id",
                list(kinds),
            )
        )


def retry_time(now: datetime, backoff_seconds: float, attempts: int) -> datetime:
    """Exponential back-off: base, 2x, 4x ... capped at one day."""
    return now + timedelta(seconds=min(86_400.0, backoff_seconds * 2 ** max(0, attempts - 1)))
