"""The pipeline end to end on a temporary Maildir: route, record, never twice, never lost."""

from __future__ import annotations

import json
from pathlib import Path

from mailroute.adapters.sources.maildir import deliver, folder_dir
from mailroute.core.message import RawMail
from mailroute.core.parse import parse
from mailroute.daemon import process_available

from .conftest import SAMPLES, make_mail

INVOICE = dict(
    subject="Factuur 2026-0413 drukwerk oktober",
    body=("Geachte heer/mevrouw,\n\nHierbij ontvangt u factuur 2026-0413 voor het drukwerk van "
          "oktober. Het totaalbedrag van EUR 1.234,56 dient binnen 30 dagen te worden voldaan "
          "op IBAN NL91ABNA0417164300 onder vermelding van het factuurnummer.\n\n"
          "Met vriendelijke groet,\nDrukkerij Van Dam"),
    attachments=[("factuur-2026-0413.pdf", "application/pdf", b"%PDF-1.4 factuur")],
)


def files_in(root: Path, folder: str) -> list[str]:
    base = folder_dir(root, folder)
    return sorted(p.name for sub in ("cur", "new") if (base / sub).is_dir()
                  for p in (base / sub).iterdir())


def inbox(app) -> Path:
    return app.config.mailboxes[0].path


def test_sample_messages_are_routed_and_recorded(make_app):
    app = make_app()
    root = inbox(app)
    corpus = sorted((SAMPLES / "corpus").rglob("*.eml"))[::25]
    for path in corpus:
        deliver(root, path.read_bytes())
    assert process_available(app) == len(corpus)
    assert files_in(root, "INBOX") == []
    rows = app.store.decisions(limit=None)
    assert len(rows) == len(corpus)
    for row in rows:
        assert row["status"] in ("done", "exception")
        assert row["reason"]
        assert row["model_version"] == app.model().version
        assert all(a["state"] in ("done", "queued") for a in row["actions"])
    routed = [r for r in rows if r["status"] == "done"]
    assert len(routed) >= len(rows) * 0.7
    moved = sum(len(files_in(root, f)) for f in
                ("Finance/Invoices", "Claims", "Policies/Changes", "Complaints",
                 "HR/Applications", "Questions", "Exceptions"))
    assert moved == len(corpus)


def test_invoice_gets_tagged_and_moved(make_app):
    app = make_app()
    root = inbox(app)
    deliver(root, make_mail(**INVOICE))
    process_available(app)
    (row,) = app.store.decisions()
    assert row["label"] == "invoice" and row["rule"] == "invoice"
    assert [(a["kind"], a["target"], a["state"]) for a in row["actions"]] == [
        ("tag", "invoice", "done"), ("move", "Finance/Invoices", "done")]
    assert len(files_in(root, "Finance/Invoices")) == 1


def test_claim_reply_is_queued_not_lost(make_app):
    app = make_app()
    deliver(inbox(app), make_mail(
        subject="Schademelding aanrijding A12", sender="Piet Jansen <piet.jansen@ziggo.nl>",
        body=("Goedemorgen, gisteren ben ik op de A12 aangereden. Mijn auto (kenteken 12-ABC-3) "
              "heeft schade aan de achterkant. Foto's van de schade en het schadeformulier zitten "
              "in de bijlage. Polisnummer POL-2024-123456. Met vriendelijke groet, Piet Jansen"),
        attachments=[("schade.jpg", "image/jpeg", b"\xff\xd8\xff fake")]))
    process_available(app)
    (row,) = app.store.decisions()
    assert row["label"] == "claim"
    reply = [a for a in row["actions"] if a["kind"] == "reply"]
    assert reply and reply[0]["state"] == "queued"
    queued = app.store.queued_actions(["reply"])
    assert app.store.outbox_raw(queued[0]["id"]).startswith(b"From: Piet Jansen")


def test_restart_does_not_reprocess(make_app, project: Path):
    app = make_app()
    root = inbox(app)
    for i in range(3):
        deliver(root, make_mail(message_id=f"<r{i}@x>", **INVOICE))
    # a tag-only outcome leaves mail in the inbox: it must not be handled again either
    (project / "rules" / "05-keep.toml").write_text(
        '[[rule]]\nname="keep"\nwhen={ subject="KEEP" }\nactions=[{ tag="kept" }]\n')
    deliver(root, make_mail(subject="KEEP this one", message_id="<keep@x>"))
    app.rules.maybe_reload(force=True)
    assert process_available(app) == 4
    assert len(files_in(root, "INBOX")) == 1
    app.close()

    again = make_app()
    assert process_available(again) == 0
    assert len(again.store.decisions(limit=None)) == 4
    actions = [a for r in again.store.decisions(limit=None) for a in r["actions"]]
    assert sum(a["kind"] == "move" for a in actions) == 3


def test_odd_messages_are_recorded_and_handed_to_a_human(make_app):
    app = make_app()
    root = inbox(app)
    odd = sorted((SAMPLES / "odd").glob("*.eml"))
    for path in odd:
        deliver(root, path.read_bytes())
    assert process_available(app) == len(odd)
    rows = app.store.decisions(limit=None)
    assert len(rows) == len(odd)
    assert all(r["status"] in ("done", "exception") for r in rows)
    by_status = {r["status"] for r in rows}
    assert "exception" in by_status
    headerless = [p for p in odd
                  if parse(RawMail("t", "INBOX", p.name, p.read_bytes())).unparseable]
    assert {p.name for p in headerless} >= {"empty-file.eml", "binary-junk.eml"}
    junk = [r for r in rows if r["exception_code"] == "unparseable"]
    assert len(junk) == len(headerless)
    assert all(r["label"] is None and r["status"] == "exception" for r in junk)
    assert files_in(root, "INBOX") == []
    defects = [json.loads(r["defects"]) for r in rows]
    assert any(defects)


def journal(app, raw: RawMail) -> None:
    """What a crash leaves right after the decision was journalled: actions intended, none done."""
    claim = app.store.claim(raw)
    message = parse(raw)
    classification, decision = app.pipeline.decide(message)
    app.store.record_decision(claim.pk, message, classification, decision)


def journal_without_acting(app, data: bytes) -> Path:
    path = deliver(inbox(app), data)
    journal(app, RawMail("sample", "INBOX", path.name, path.read_bytes()))
    return path


def test_crash_after_journal_before_move_resumes_once(make_app):
    """A crash after the decision was journalled, before the move: the retry moves once."""
    app = make_app()
    root = inbox(app)
    journal_without_acting(app, make_mail(**INVOICE))
    app.close()  # the "crash": intended actions journalled, nothing done

    again = make_app()
    assert process_available(again) == 1
    (row,) = again.store.decisions()
    assert row["status"] == "done"
    assert [a["state"] for a in row["actions"]] == ["done", "done"]
    assert len(files_in(root, "Finance/Invoices")) == 1


def test_crash_after_move_before_mark_is_reconciled(make_app):
    """The move happened but was not marked done: on restart it is found, not redone."""
    app = make_app()
    root = inbox(app)
    path = journal_without_acting(app, make_mail(**INVOICE))
    target = folder_dir(root, "Finance/Invoices")
    (target / "cur").mkdir(parents=True)
    path.rename(target / "cur" / (path.name + ":2,"))  # the move, then the crash
    app.close()

    again = make_app()
    assert process_available(again) == 0
    (row,) = again.store.decisions()
    assert row["status"] == "done"
    states = {a["kind"]: a for a in row["actions"]}
    assert states["move"]["state"] == "done"
    assert "reconciled" in states["move"]["result"]
    assert len(files_in(root, "Finance/Invoices")) == 1


def test_failing_action_is_retried_then_handed_to_a_human(make_app, project: Path):
    config = (project / "config.toml").read_text()
    config = config.replace("max_attempts = 5", "max_attempts = 2")
    config = config.replace("retry_backoff_seconds = 30", "retry_backoff_seconds = 0")
    (project / "config.toml").write_text(config)
    app = make_app()
    root = inbox(app)
    root.mkdir(parents=True, exist_ok=True)
    (root / ".Finance.Invoices").write_text("a file where the folder should be")
    deliver(root, make_mail(**INVOICE))

    process_available(app)
    (row,) = app.store.decisions()
    assert row["status"] == "failed" and row["attempts"] == 1
    assert "move failed" in row["last_error"]
    assert len(files_in(root, "INBOX")) == 1  # still there, not lost

    process_available(app)
    (row,) = app.store.decisions()
    assert row["status"] == "exception"
    assert row["exception_code"] == "failed"
    assert "gave up after 2 attempts" in row["reason"]
    assert row["actions"][-1]["kind"] == "exceptions" and row["actions"][-1]["state"] == "done"
    assert len(files_in(root, "Exceptions")) == 1
    assert files_in(root, "INBOX") == []


def test_without_model_everything_goes_to_exceptions(make_app, project: Path):
    (project / "models" / "current").unlink()
    app = make_app()
    deliver(inbox(app), make_mail(**INVOICE))
    process_available(app)
    (row,) = app.store.decisions()
    assert row["status"] == "exception" and row["exception_code"] == "not_classified"
    assert "no model" in row["reason"]
