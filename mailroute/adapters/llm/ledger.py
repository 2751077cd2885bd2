"""The LLM tier's records in the store: one ``llm_calls`` row per call, the response
cache, the rolling budget and the per-message summaries.

The budget is counted from ``llm_calls`` itself, so it survives restarts. The cache and
summaries live in two small tables this module creates when missing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..store import Store, iso, utcnow

# Outcomes of calls that never reached the endpoint: they cost nothing.
NOT_SENT = ("budget", "circuit_open", "excluded")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class Usage:
    calls: int
    tokens: int


class Ledger:
    """Reads and writes of the LLM tables; thread-safe through the store's lock."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.clock = clock
        # its tables (llm_calls, llm_cache, summaries, attachment_texts) are store migrations

    # -- calls ---------------------------------------------------------------------------

    def record(self, **row: Any) -> int:
        row.setdefault("created_at", iso(self.clock()))
        with self.store.transaction() as db:
            return int(db["llm_calls"].insert(row).last_pk)

    def calls_of(self, pk: int) -> list[dict[str, Any]]:
        return list(self.store.db.query(
            "SELECT * FROM llm_calls WHERE message=? ORDER BY id", [pk]))

    def usage_since(self, since: datetime) -> Usage:
        marks = ",".join("?" for _ in NOT_SENT)
        row = self.store.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(tokens_in + tokens_out), 0) FROM llm_calls "
            f"WHERE created_at >= ? AND cached = 0 AND outcome NOT IN ({marks})",
            [iso(since), *NOT_SENT],
        ).fetchone()
        return Usage(int(row[0]), int(row[1]))

    # -- cache ---------------------------------------------------------------------------

    def cached(self, key: str) -> dict[str, Any] | None:
        rows = list(self.store.db.query("SELECT * FROM llm_cache WHERE key=?", [key]))
        return rows[0] if rows else None

    def cache(self, key: str, purpose: str, response: str, tokens_in: int,
              tokens_out: int) -> None:
        with self.store.transaction() as db:
            db["llm_cache"].insert(
                {"key": key, "purpose": purpose, "response": response, "tokens_in": tokens_in,
                 "tokens_out": tokens_out, "created_at": iso(self.clock())}, replace=True)

    # -- summaries and fields ------------------------------------------------------------

    def save_summary(self, pk: int, summary: str, language: str, version: str) -> None:
        with self.store.transaction() as db:
            db["summaries"].insert(
                {"message": pk, "summary": summary, "language": language,
                 "template_version": version, "created_at": iso(self.clock())}, replace=True)
            db.execute("UPDATE messages SET summary=? WHERE id=?", [summary, pk])

    def summary_of(self, pk: int) -> str | None:
        row = self.store.db.execute(
            "SELECT summary FROM summaries WHERE message=?", [pk]).fetchone()
        return row[0] if row else None

    def save_fields(self, pk: int, schema: str, fields: Any) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM fields WHERE message=? AND schema=?", [pk, schema])
            db["fields"].insert_all(
                [{"message": pk, "schema": schema, "name": f.name, "value": f.value,
                  "status": f.status, "detail": f.detail or None} for f in fields])

    def save_attachment_texts(self, pk: int, texts: Any) -> None:
        """What each attachment gave (or why it was skipped); the text itself is not kept."""
        stamp = iso(self.clock())
        with self.store.transaction() as db:
            db.execute("DELETE FROM attachment_texts WHERE message=?", [pk])
            db["attachment_texts"].insert_all(
                [{"message": pk, "filename": t.filename, "kind": t.kind, "status": t.status,
                  "chars": len(t.text), "detail": t.detail or None, "created_at": stamp}
                 for t in texts])

    def attachment_texts_of(self, pk: int) -> list[dict[str, Any]]:
        return list(self.store.db.query(
            "SELECT * FROM attachment_texts WHERE message=? ORDER BY rowid", [pk]))

    def fields_of(self, pk: int) -> list[dict[str, Any]]:
        return self.store.fields_of(pk)


# Chat formatting a server adds around each message (role markers, separators): generous.
TOKENS_PER_MESSAGE = 16


def max_cost(texts: Sequence[str], max_tokens: int) -> int:
    """An upper bound of a call's tokens (in + out): one token per UTF-8 byte of what is sent
    (byte-level BPE and SentencePiece with byte fallback, i.e. OpenAI, Llama, Qwen, Mistral
    tokenizers, never make more tokens than bytes), formatting per message, and the answer's
    ``max_tokens``."""
    sent = sum(len(t.encode("utf-8", "replace")) + TOKENS_PER_MESSAGE for t in texts)
    return sent + max_tokens


class Budget:
    """Calls and tokens per rolling hour and day, counted from the store.

    A call first reserves (:meth:`reserve`) one call and its largest possible cost
    (:func:`max_cost`); it goes only when what is used, plus what calls in flight hold, plus
    its own reservation fits every limit. The check and the hold are one step under a lock,
    so concurrent calls of one process cannot all pass on the same reading. After the call
    is recorded in ``llm_calls`` the hold is released and the real usage counts instead.
    """

    def __init__(self, ledger: Ledger, *, calls_per_hour: int = 0, calls_per_day: int = 0,
                 tokens_per_hour: int = 0, tokens_per_day: int = 0,
                 on_remaining: Callable[[str, str, float], None] | None = None):
        self.ledger = ledger
        self.limits = {("hour", "calls"): calls_per_hour, ("day", "calls"): calls_per_day,
                       ("hour", "tokens"): tokens_per_hour, ("day", "tokens"): tokens_per_day}
        self.on_remaining = on_remaining
        self._lock = threading.Lock()
        self._held_calls = 0
        self._held_tokens = 0

    def exhausted(self) -> str:
        """Empty when one more call (of unknown size) may be made, else which limit is used up."""
        with self._lock:
            return self._check(0)

    def reserve(self, tokens: int) -> str:
        """Hold one call and ``tokens`` for a call about to be made. Empty when it may go
        (then :meth:`release` it after recording the call), else the limit it would pass."""
        with self._lock:
            problem = self._check(tokens)
            if not problem:
                self._held_calls += 1
                self._held_tokens += tokens
            return problem

    def release(self, tokens: int) -> None:
        with self._lock:
            self._held_calls -= 1
            self._held_tokens -= tokens

    def _check(self, tokens: int) -> str:
        if not any(self.limits.values()):
            self._report({})
            return ""
        now = self.ledger.clock()
        used = {"hour": self.ledger.usage_since(now - timedelta(hours=1)),
                "day": self.ledger.usage_since(now - timedelta(days=1))}
        spent: dict[tuple[str, str], int] = {}
        problem = ""
        for (window, kind), limit in self.limits.items():
            if kind == "calls":
                spent[window, kind] = used[window].calls + self._held_calls
                need = 1
            else:
                spent[window, kind] = used[window].tokens + self._held_tokens
                need = tokens
            have = spent[window, kind]
            if not limit or problem:
                continue
            if have >= limit:
                problem = f"LLM budget used up: {have} of {limit} {kind} per {window}"
            elif have + need > limit:
                problem = (f"LLM budget: {have} of {limit} {kind} per {window} used or "
                           f"reserved; this call may take up to {need}")
        self._report(spent)
        return problem

    def _report(self, spent: dict[tuple[str, str], int]) -> None:
        if self.on_remaining:
            for (window, kind), limit in self.limits.items():
                left = max(0, limit - spent.get((window, kind), 0)) if limit else -1
                self.on_remaining(window, kind, left)
