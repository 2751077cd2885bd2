"""Messages handled in batches: one transaction per stage, one IMAP command per round.

The store's nested transactions (savepoints) and the IMAP source's batched actions, against
a real Dovecot: each message keeps its own fate and its own exactly-once journal.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mailroute.adapters.checkpoints import get_checkpoint
from mailroute.adapters.store import Store
from mailroute.core.message import RawMail
from mailroute.daemon import process_available
from mailroute.wiring import App
from tests.conftest import make_mail
from tests.dovecot import PASSWORD_ENV, Dovecot, imap_app, write_imap_project
from tests.test_imap_source import INVOICES, _flags, _ids, _journal_then_crash


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "secret")


def _raw(n: int) -> RawMail:
    return RawMail("box", "INBOX", f"id{n}", make_mail(message_id=f"<m{n}@t>"))


# -- the store ---------------------------------------------------------------------------


def test_nested_transaction_commits_with_the_outer_and_fails_alone(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    other = sqlite3.connect(tmp_path / "s.db")  # another process's view
    with store.transaction():
        first = store.claim(_raw(1))
        with pytest.raises(RuntimeError), store.transaction() as db:
            db.execute("UPDATE messages SET subject='half-written' WHERE id=?", [first.pk])
            raise RuntimeError("one message's write fails")
        second = store.claim(_raw(2))
        assert other.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0  # not yet
    assert other.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 2
    assert store.message_row(first.pk)["subject"] is None  # its failed part undone alone
    assert store.message_row(second.pk)["status"] == "pending"


def test_outer_transaction_failing_undoes_the_whole_batch(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with pytest.raises(RuntimeError), store.transaction():
        store.claim(_raw(1))
        store.claim(_raw(2))
        raise RuntimeError("crash before the batch commits")
    assert store.counts() == {}
    assert store.claim(_raw(1)) is not None  # and the store is usable afterwards


# -- IMAP ----------------------------------------------------------------------------------


def test_a_batch_tags_then_moves_every_message_once(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    """Three fetch batches, each tagged and moved in rounds."""
    user, _ = imap_user
    peer = dovecot.client(user)
    for n in range(12):
        subject = ("Factuur", "Keep", "Other")[n % 3]
        peer.append("INBOX", make_mail(subject=f"{subject} {n}", message_id=f"<b{n:02}@t>"))
    config = write_imap_project(tmp_path, dovecot, user, batch_size=5)

    app = imap_app(config, apps)
    assert process_available(app) == 12

    assert _ids(peer, INVOICES) == [f"<b{n:02}@t>" for n in range(0, 12, 3)]
    assert _ids(peer, "INBOX") == [f"<b{n:02}@t>" for n in range(1, 12, 3)]
    assert _ids(peer, "Exceptions") == [f"<b{n:02}@t>" for n in range(2, 12, 3)]
    # the tag round ran before the move round took them away
    assert all(b"$Invoice" in f for f in _flags(peer, INVOICES))
    assert all(b"$Kept" in f for f in _flags(peer, "INBOX"))
    rows = app.store.decisions(mailbox="shared", limit=100)
    assert len(rows) == 12 and {r["status"] for r in rows} == {"done", "exception"}
    assert all(a["state"] == "done" for r in rows for a in r["actions"])
    assert get_checkpoint(app.store, "shared", "INBOX").last_uid == 12


def test_a_message_gone_mid_batch_fails_alone(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    """Another client expunges one message between our fetch and our actions: that message
    fails (and is retried), the rest of its batch is routed."""
    user, _ = imap_user
    peer = dovecot.client(user)
    for n in range(4):
        peer.append("INBOX", make_mail(subject=f"Factuur {n}", message_id=f"<g{n}@t>"))
    config = write_imap_project(tmp_path, dovecot, user)
    app = imap_app(config, apps)
    source = app.sources[0]
    source.connect()
    (batch,) = list(source.fetch_batches())

    peer.select_folder("INBOX")
    peer.delete_messages([2])
    peer.expunge()
    outcomes = app.pipeline.process_batch(batch, source)

    assert [o.status for o in outcomes] == ["done", "failed", "done", "done"]
    assert "no longer in INBOX" in outcomes[1].error
    assert _ids(peer, INVOICES) == ["<g0@t>", "<g2@t>", "<g3@t>"]
    gone = next(r for r in app.store.decisions(mailbox="shared") if r["message_id"] == "<g1@t>")
    assert gone["status"] == "failed"
    assert [(a["kind"], a["state"]) for a in gone["actions"]] == [("tag", "failed"),
                                                                  ("move", "intended")]


def test_resumed_and_new_messages_in_one_batch_are_each_acted_on_once(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    """A crash left two journalled messages, one already tagged by the server; new mail
    arrived meanwhile. The next fetch holds all three: the journalled ones are resumed
    (reconciled first), the new one decided fresh; each lands in the target once."""
    user, _ = imap_user
    peer = dovecot.client(user)
    peer.create_folder(INVOICES)
    peer.append("INBOX", make_mail(subject="Factuur old 1", message_id="<old1@t>"))
    peer.append("INBOX", make_mail(subject="Factuur old 2", message_id="<old2@t>"))
    config = write_imap_project(tmp_path, dovecot, user)
    _journal_then_crash(config, apps)
    peer.select_folder("INBOX")
    peer.add_flags([1], [b"$Invoice"])  # round one had reached the server for this one
    peer.append("INBOX", make_mail(subject="Factuur new", message_id="<new@t>"))

    app = imap_app(config, apps)
    assert process_available(app) == 3
    assert _ids(peer, INVOICES) == ["<new@t>", "<old1@t>", "<old2@t>"]
    assert _ids(peer, "INBOX") == []
    rows = {r["message_id"]: r for r in app.store.decisions(mailbox="shared")}
    assert [(a["kind"], a["result"]) for a in rows["<old1@t>"]["actions"]] == [
        ("tag", "reconciled: already done"), ("move", f"moved to {INVOICES}")]
    assert [(a["kind"], a["result"]) for a in rows["<new@t>"]["actions"]] == [
        ("tag", "keyword $Invoice set"), ("move", f"moved to {INVOICES}")]
    assert {r["status"] for r in rows.values()} == {"done"}
