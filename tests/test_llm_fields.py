"""Field extraction: admin schemas, local validation, the ``fields`` rule condition,
summaries, and the ``webhook`` action that hands fields on to an intake system."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mailroute.adapters.llm.files import load_schemas
from mailroute.adapters.llm.webhook import WebhookSender
from mailroute.config.llm import WebhookSection
from mailroute.core.fields import (
    FieldValue,
    field_matches,
    iban_ok,
    parse_amount,
    parse_date,
    parse_schema,
)
from mailroute.core.rules import compile_rules
from mailroute.errors import ConfigError, RuleError
from tests.conftest import make_mail
from tests.llm_helpers import REPO, make_world

GOOD_IBAN = "NL91 ABNA 0417 1643 00"
APPROVAL_RULES = """
[[rule]]
name = "big-invoice"
summary = true
when = { category = "invoice", fields = { amount = "> 10000", iban = "is ok" } }
actions = [{ tag = "approval" }, { webhook = "erp" }, { move = "Finance/Approval" }]

[[rule]]
name = "invoice-bad-iban"
when = { category = "invoice", fields = { iban = "is invalid" } }
actions = [{ exceptions = "invoice with an invalid IBAN" }]
"""


def test_validators():
    assert iban_ok(GOOD_IBAN) == ("NL91ABNA0417164300", "")
    assert iban_ok("NL91ABNA0417164301")[1] == "IBAN checksum fails"
    assert "18 characters" in iban_ok("NL91ABNA04171643")[1]
    assert iban_ok("BE71 0961 2345 6769")[0] == "BE71096123456769"
    assert parse_date("31-12-2026") == ("2026-12-31", "")
    assert parse_date("2026-02-30")[0] is None
    assert parse_date("next friday")[0] is None
    assert parse_amount("€ 12.500,00") == ("12500.00", "")
    assert parse_amount("1,234.56") == ("1234.56", "")
    assert parse_amount("99,5") == ("99.50", "")
    assert parse_amount("twelve")[0] is None


def test_field_conditions():
    amount = FieldValue("amount", "12500.00", "ok")
    assert field_matches("> 10000", amount)[0]
    assert not field_matches("<= 10000", amount)[0]
    assert field_matches("is ok", amount)[0]
    assert field_matches("is missing", None)[0]
    assert not field_matches("> 1", FieldValue("amount", "x", "invalid"))[0]  # invalid: no
    assert field_matches("EUR", FieldValue("currency", "EUR", "ok"))[0]
    assert field_matches("< 2027-01-01", FieldValue("due_date", "2026-12-31", "ok"))[0]


def test_shipped_schemas_load_and_bad_schema_names_file_and_key(tmp_path: Path):
    schemas = load_schemas(REPO / "rules" / "schemas")
    assert {"invoice", "claim"} <= set(schemas)
    assert [f.name for f in schemas["invoice"].fields][:3] == ["invoice_number", "supplier",
                                                                "iban"]
    (tmp_path / "bad.toml").write_text(
        'categories = ["invoice"]\n[[field]]\nname = "amount"\ntype = "money"\n')
    with pytest.raises(ConfigError, match=r"bad\.toml: field #1 \(amount\): type"):
        load_schemas(tmp_path)
    with pytest.raises(ValueError, match=r"x\.toml: categories"):
        parse_schema("x", {"field": [{"name": "a"}]}, "x.toml")


def test_rules_check_names_file_rule_and_key():
    bad = {"rule": [
        {"name": "r1", "when": {"fields": {"amount": ">"}}, "actions": [{"move": "A"}]},
        {"name": "r2", "actions": [{"webhook": "has space"}]},
        {"name": "d", "default": True, "actions": [{"move": "B"}]},
    ]}
    with pytest.raises(RuleError) as err:
        compile_rules([("rules/10-x.toml", bad)])
    text = str(err.value)
    assert "rules/10-x.toml: rule 'r1': when.fields: " in text and "amount" in text
    assert "rules/10-x.toml: rule 'r2': actions[1]: webhook takes the name" in text


class Intake:
    """A loopback HTTP endpoint standing in for an RPA/ERP intake; fails ``fail`` times."""

    def __init__(self, fail: int = 0):
        self.fail = fail
        self.bodies: list[dict] = []
        self.headers: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail > 0:
                    outer.fail -= 1
                    self.send_response(503)
                else:
                    outer.bodies.append(json.loads(data))
                    outer.headers.append({k.lower(): v for k, v in self.headers.items()})
                    self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/intake"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _invoice_world(tmp_path, server):
    return make_world(tmp_path, server, label="invoice", confidence=0.9,
                      extra_rules=APPROVAL_RULES, llm={"extract": True})


def test_extraction_validates_and_routes_on_fields(tmp_path, openai_server, monkeypatch):
    w = _invoice_world(tmp_path, openai_server)
    intake = Intake(fail=1)
    try:
        openai_server.fields = {"invoice_number": "2026-0413", "supplier": "Drukkerij Van Dam",
                                "iban": GOOD_IBAN, "amount": "12.500,00", "currency": "EUR",
                                "due_date": "31-02-2027"}
        openai_server.summary = "Drukkerij Van Dam vraagt betaling van EUR 12.500."
        out = w.run(make_mail(subject="Factuur 2026-0413"))
        assert out.status == "done"
        assert w.row(out)["rule"] == "big-invoice"
        assert w.actions(out) == [("tag", "approval"), ("webhook", "erp"),
                                  ("move", "Finance/Approval")]
        assert "fields.amount 12500.00" in w.row(out)["reason"]
        fields = {f["name"]: (f["value"], f["status"]) for f in w.tier.ledger.fields_of(out.pk)}
        assert fields["iban"] == ("NL91ABNA0417164300", "ok")
        assert fields["amount"] == ("12500.00", "ok")
        assert fields["due_date"] == ("31-02-2027", "invalid")  # there is no 31 February
        purposes = [c["purpose"] for c in w.calls(out)]
        assert purposes == ["extract", "summary"]  # confident: no routing call
        # the summary is stored where the forward's header block reads it
        assert w.row(out)["summary"] == openai_server.summary
        assert w.tier.ledger.summary_of(out.pk) == openai_server.summary
        # the webhook was queued by the pipeline, and delivered (after one 503) by its sender
        [hook] = [a for a in w.store.actions_of(out.pk) if a["kind"] == "webhook"]
        assert hook["state"] == "queued"
        monkeypatch.setenv("ERP_TOKEN", "t0k3n")
        section = WebhookSection(url=intake.url, token={"env": "ERP_TOKEN"},
                                 backoff_seconds=0)
        sender = WebhookSender(w.store, {"erp": section}, clock=w.clock)
        assert sender.run_once() == {"done": 0, "retry": 1, "failed": 0}
        assert sender.run_once() == {"done": 1, "retry": 0, "failed": 0}
        assert sender.run_once() == {"done": 0, "retry": 0, "failed": 0}  # exactly once
        [body] = intake.bodies
        assert body["fields"]["amount"] == {"value": "12500.00", "status": "ok",
                                            "schema": "invoice"}
        assert body["message"]["label"] == "invoice" and body["summary"]
        assert intake.headers[0]["idempotency-key"] == f"mailroute-{hook['id']}"
        assert intake.headers[0]["authorization"] == "Bearer t0k3n"
    finally:
        intake.close()
        w.close()


def test_bad_iban_goes_to_exceptions_by_rule(tmp_path, openai_server):
    w = _invoice_world(tmp_path, openai_server)
    try:
        openai_server.fields = {"invoice_number": "7", "iban": "NL91ABNA0417164301",
                                "amount": "50"}
        out = w.run(make_mail(subject="Factuur 7"))
        assert out.status == "exception"
        assert w.row(out)["rule"] == "invoice-bad-iban"
        status = {f["name"]: f["status"] for f in w.tier.ledger.fields_of(out.pk)}
        assert status["iban"] == "invalid" and status["supplier"] == "missing"
    finally:
        w.close()


def test_small_invoice_takes_the_normal_route(tmp_path, openai_server):
    w = _invoice_world(tmp_path, openai_server)
    try:
        openai_server.fields = {"invoice_number": "8", "iban": GOOD_IBAN, "amount": "950,00"}
        out = w.run(make_mail(subject="Factuur 8"))
        assert w.row(out)["rule"] == "invoice"
        assert ("move", "Finance/Invoices") in w.actions(out)
        assert w.row(out)["summary"] is None  # the invoice rule does not ask for one
    finally:
        w.close()


def test_unknown_webhook_fails_clearly(tmp_path, openai_server):
    w = _invoice_world(tmp_path, openai_server)
    try:
        openai_server.fields = {"invoice_number": "9", "iban": GOOD_IBAN, "amount": "20000"}
        out = w.run(make_mail(subject="Factuur 9"))
        sender = WebhookSender(w.store, {}, clock=w.clock)
        assert sender.run_once()["failed"] == 1
        [hook] = [a for a in w.store.actions_of(out.pk) if a["kind"] == "webhook"]
        assert hook["state"] == "failed" and "[webhooks.erp]" in hook["error"]
    finally:
        w.close()
