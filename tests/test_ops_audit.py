"""`mailroute audit export` for auditors, and retention: texts go, the decision trail stays."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.adapters.retention import Pruner, cutoff_for, prune
from mailroute.adapters.sources.maildir import deliver
from mailroute.adapters.store import iso
from mailroute.cli import main
from mailroute.daemon import Daemon, process_available

from .conftest import SAMPLES, make_mail, wait_for
from .test_pipeline import INVOICE

SECRET_WORDS = "NL91ABNA0417164300"  # in the invoice body only


def run(project: Path, *args: str):
    return CliRunner().invoke(main, ["-c", str(project / "config.toml"), *args])


@pytest.fixture
def app(make_app):
    """An invoice, a claim (auto-reply queued in the outbox) and an unreadable message."""
    app = make_app()
    root = app.config.mailboxes[0].path
    deliver(root, make_mail(**INVOICE))
    deliver(root, (sorted((SAMPLES / "corpus" / "claim").glob("*.eml"))[0]).read_bytes())
    deliver(root, (SAMPLES / "odd" / "empty-file.eml").read_bytes())
    assert process_available(app) == 3
    return app


def _age(app, pk: int, days: int) -> None:
    """Pretend message ``pk`` was finished ``days`` ago (and its LLM call, outbox copy)."""
    old = iso(datetime.now(UTC) - timedelta(days=days))
    with app.store.transaction() as db:
        db.execute("UPDATE messages SET first_seen_at=?, finished_at=? WHERE id=?", [old, old, pk])
        db.execute("UPDATE outbox SET created_at=? WHERE message=?", [old, pk])
        db.execute("UPDATE llm_calls SET created_at=? WHERE message=?", [old, pk])


def test_export_jsonl_and_csv_carry_the_trail_but_no_text(app, project: Path, tmp_path: Path):
    result = run(project, "audit", "export", "--since", "7d", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 3
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)  # oldest first
    invoice = next(r for r in rows if r["label"] == "invoice")
    assert invoice["status"] == "done" and invoice["rule"] and invoice["reason"]
    assert invoice["actions"][-1]["kind"] == "move"
    assert invoice["actions"][-1]["state"] == "done"
    assert {"message", "body"}.isdisjoint(invoice)
    assert SECRET_WORDS not in result.output  # the body is never exported
    odd = next(r for r in rows if r["status"] == "exception")
    assert odd["outcome"] == "exception" and odd["exception_code"]

    out = tmp_path / "audit.csv"
    result = run(project, "audit", "export", "--since", "2026-01-01", "--format", "csv",
                 "--out", str(out))
    assert result.exit_code == 0 and "exported 3 decision(s)" in result.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 3 and table[0]["mailbox"] == "sample"
    assert "move" in next(r for r in table if r["label"] == "invoice")["actions"]

    empty = run(project, "audit", "export", "--since", "2026-01-01", "--until", "2026-01-02")
    assert empty.exit_code == 0 and empty.output == ""
    assert run(project, "audit", "export").exit_code == 2  # --since is required


def test_audit_listing_still_works(app, project: Path):
    result = run(project, "audit", "--format", "json", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 2
    assert "invoice" in run(project, "audit").output


def test_prune_removes_texts_of_old_messages_and_keeps_the_trail(app, project: Path):
    store = app.store
    rows = {r["label"] or "none": r for r in store.decisions(limit=None)}
    invoice, claim, odd = rows["invoice"]["id"], rows["claim"]["id"], rows["none"]["id"]
    queued = store.queued_actions(["reply"])
    assert len(queued) == 1 and queued[0]["message"] == claim
    with store.transaction() as db:
        db["llm_calls"].insert({"message": invoice, "purpose": "classify", "prompt": "P",
                                "response": "R", "prompt_sha256": "a" * 64, "cost": 0.01,
                                "created_at": iso(datetime.now(UTC))})
        db["fields"].insert({"message": invoice, "schema": "invoice", "name": "iban",
                             "value": SECRET_WORDS, "status": "valid"})
    for pk in (invoice, claim):
        _age(app, pk, 40)
    before = {a["id"]: dict(a) for a in store.actions_of(invoice)}

    result = prune(store, cutoff_for(30))
    assert (result.messages, result.llm_calls, result.fields, result.outbox) == (2, 1, 1, 0)
    inv = store.message_row(invoice)
    assert inv["message"] is None
    assert inv["subject"] and inv["rule"] and inv["reason"] and inv["label"] == "invoice"
    assert {a["id"]: dict(a) for a in store.actions_of(invoice)} == before
    call = store.db.execute("SELECT prompt, response, prompt_sha256, cost FROM llm_calls"
                            ).fetchone()
    assert call == (None, None, "a" * 64, 0.01)
    assert store.db.execute("SELECT value, status FROM fields").fetchone() == (None, "valid")
    assert store.message_row(odd)["message"] is not None  # recent: kept
    # the queued auto-reply keeps its copy until it is sent, whatever its age
    assert store.outbox_raw(queued[0]["id"])
    store.set_action(queued[0]["id"], "done", result="sent")
    assert prune(store, cutoff_for(30)).outbox == 1
    assert store.db.execute("SELECT raw FROM outbox").fetchone() == (None,)
    assert prune(store, cutoff_for(30)).total == 0  # idempotent

    # replay still runs, skipping what has no text any more
    result = run(project, "replay")
    assert result.exit_code == 0, result.output
    assert "2 without stored text skipped" in result.output


def test_prune_command(app, project: Path):
    _age(app, app.store.decisions(limit=1)[0]["id"], 10)
    app.store.db.conn.commit()
    result = run(project, "prune")
    assert result.exit_code == 2 and "retention_days" in result.output
    result = run(project, "prune", "--days", "30")
    assert result.exit_code == 0 and "messages: 0," in result.output
    result = run(project, "prune", "--days", "7")
    assert result.exit_code == 0 and "messages: 1," in result.output, result.output


def test_daemon_prunes_with_retention_days(project: Path, make_app):
    config = project / "config.toml"
    text = config.read_text().replace('path = "var/mailroute.db"',
                                      'path = "var/mailroute.db"\nretention_days = 30')
    assert "retention_days = 30" in text
    config.write_text(text, encoding="utf-8")
    app = make_app()
    deliver(app.config.mailboxes[0].path, make_mail(**INVOICE))
    assert process_available(app) == 1
    pk = app.store.decisions(limit=1)[0]["id"]
    _age(app, pk, 31)
    daemon = Daemon(app, threading.Event())
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: app.store.message_row(pk)["message"] is None, 15)
        assert daemon.pruner.maybe_run() is None  # at most once an hour
    finally:
        daemon.stop.set()
        thread.join(30)
    assert Pruner(app.store, 0).maybe_run() is None  # 0 keeps everything
