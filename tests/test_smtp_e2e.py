"""End to end: the shipped config, rules and sample model, a Maildir inbox, a real SMTP server.

A claim arrives; the pipeline classifies it, the shipped ``claim`` rule tags it, queues the
``claim-received`` reply and moves it to Claims; the sender delivers the reply.
"""

from __future__ import annotations

import email
import email.policy

from mailroute.adapters.sources.maildir import deliver, folder_dir
from mailroute.daemon import process_available
from tests.conftest import SAMPLES
from tests.smtp_server import SmtpServer

FROM = "schade@example-verzekeringen.nl"


def test_claim_gets_the_shipped_reply(project, make_app, smtpd: SmtpServer):
    config = project / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"""
[smtp]
enabled = true
host = "127.0.0.1"
port = {smtpd.port}
tls = "plain"
from_address = "info@example-verzekeringen.nl"
from_addresses = {{ sample = "{FROM}" }}
""", encoding="utf-8")
    app = make_app()
    claim = (SAMPLES / "corpus" / "claim" / "001.eml").read_bytes()
    original = email.message_from_bytes(claim, policy=email.policy.default)
    deliver(project / "var" / "maildir", claim)

    assert process_available(app) == 1  # processes the inbox, then drains the outbox

    row = app.store.decisions(limit=1)[0]
    assert (row["label"], row["rule"], row["status"]) == ("claim", "claim", "done")
    assert [(a["kind"], a["state"]) for a in row["actions"]] == [
        ("tag", "done"), ("reply", "done"), ("move", "done")]
    claims = folder_dir(project / "var" / "maildir", "Claims")
    assert [p.read_bytes() for p in claims.glob("*/*")] == [claim]
    [got] = smtpd.messages
    assert got.mail_from == "<>"
    assert got.rcpt_tos == ("ffitzgerald@live.com",)
    reply = email.message_from_bytes(got.data, policy=email.policy.default)
    assert reply["From"] == FROM
    assert reply["Subject"] == f"Re: {original['Subject']}"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["In-Reply-To"] == original["Message-ID"]
    assert reply["X-Mailroute-Category"] == "claim"
    assert reply["X-Mailroute-Rule"] == "claim"
    body = reply.get_content()
    assert body.startswith("Dear Fiona Fitzgerald,")
    assert "We have received your claim" in body
    # a second pass sends nothing more
    assert process_available(app) == 0
    assert len(smtpd.messages) == 1


def test_forward_carries_extracted_fields(project, make_app, smtpd: SmtpServer):
    """Fields the LLM tier extracted travel in the forward's header block, with their status."""
    (project / "rules" / "05-forward.toml").write_text(
        '[[rule]]\nname = "invoice-to-erp-team"\nwhen = { category = "invoice" }\n'
        'actions = [{ forward = ["crediteuren@example.nl"] }, { move = "Finance/Invoices" }]\n')
    app = make_app()
    invoice = (SAMPLES / "corpus" / "invoice" / "001.eml").read_bytes()
    deliver(project / "var" / "maildir", invoice)
    assert process_available(app) == 1  # no [smtp] yet: the forward waits in the outbox
    row = app.store.decisions(limit=1)[0]
    assert ("forward", "queued") in [(a["kind"], a["state"]) for a in row["actions"]]
    with app.store.transaction() as db:  # what the LLM tier's extraction stores
        db["fields"].insert_all([
            {"message": row["id"], "schema": "invoice", "name": "iban",
             "value": "NL91ABNA0417164300", "status": "ok"},
            {"message": row["id"], "schema": "invoice", "name": "due_date",
             "value": "31-02-2027", "status": "invalid", "detail": "impossible date"},
            {"message": row["id"], "schema": "invoice", "name": "amount",
             "value": None, "status": "missing"},
        ])
    app.close()

    config = project / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"""
[smtp]
enabled = true
host = "127.0.0.1"
port = {smtpd.port}
tls = "plain"
from_address = "{FROM}"
""", encoding="utf-8")
    process_available(make_app())
    [got] = smtpd.messages
    forward = email.message_from_bytes(got.data, policy=email.policy.default)
    block = forward.get_body(("plain",)).get_content()
    assert "Fields:" in block
    assert "iban: NL91ABNA0417164300\n" in block.replace("\r\n", "\n")
    assert "due_date: 31-02-2027 (invalid)" in block
    assert "amount: - (missing)" in block
