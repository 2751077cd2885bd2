"""The LLM tier's gaps closed: ``rules test`` runs the daemon's LLM steps, ``replay`` uses
stored fields and the daemon's thresholds, webhook names are checked, the token budget is
reserved before a call, retention covers the LLM tables, and ``mailroute llm check``."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.adapters.llm.ledger import max_cost
from mailroute.adapters.retention import cutoff_for, prune
from mailroute.adapters.rule_files import RuleBook, load_rules
from mailroute.adapters.sources.maildir import deliver
from mailroute.adapters.store import Store, iso
from mailroute.cli import main
from mailroute.config import load_config
from mailroute.core.message import RawMail
from mailroute.core.parse import parse
from mailroute.daemon import process_available
from mailroute.errors import RuleError
from mailroute.wiring import ModelHolder, build_app, policy_from

from .conftest import make_mail
from .llm_helpers import LABELS, make_world
from .openai_server import Reply, schema_name
from .test_pipeline import INVOICE

BIG_INVOICE = """
[[rule]]
name = "big-invoice"
when = { category = "invoice", fields = { amount = "> 10000" } }
actions = [{ tag = "approval" }, { move = "Finance/Approval" }]
"""
FIELDS = {"invoice_number": "2026-0413", "supplier": "Drukkerij Van Dam",
          "iban": "NL00ABNA0417164300", "amount": "12500", "currency": "EUR",
          "due_date": "2026-12-03"}
# every label below this bar: the classifier is never sure, so the LLM fallback always runs
UNSURE = "label_thresholds = { " + ", ".join(f"{lbl} = 0.999" for lbl in LABELS) + " }"


def run(project: Path, *args: str):
    return CliRunner().invoke(main, ["-c", str(project / "config.toml"), *args])


def with_llm(project: Path, server, *, unsure: bool = True, extra: str = "") -> Path:
    """Turn the project's LLM tier on, pointed at the loopback server."""
    config = project / "config.toml"
    text = config.read_text(encoding="utf-8")
    if unsure:
        text = text.replace("target_precision = 0.95", "target_precision = 0.95\n" + UNSURE, 1)
    text += (f'\n[llm]\nenabled = true\nbase_url = "{server.base_url}"\nmodel = "test-model"\n'
             f"max_retries = 0\ntimeout_seconds = 5\nmax_tokens = 100\n"
             f"categories = {json.dumps(LABELS)}\n{extra}")
    config.write_text(text, encoding="utf-8")
    (project / "rules" / "05-big.toml").write_text(BIG_INVOICE, encoding="utf-8")
    return project


def invoice_file(tmp_path: Path) -> Path:
    eml = tmp_path / "invoice.eml"
    eml.write_bytes(make_mail(**INVOICE))
    return eml


# -- rules test ------------------------------------------------------------------------------

def test_rules_test_runs_fallback_and_extraction_like_the_daemon(project, tmp_path,
                                                                 openai_server):
    with_llm(project, openai_server)
    openai_server.label, openai_server.fields = "invoice", FIELDS
    result = run(project, "rules", "test", str(invoice_file(tmp_path)))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "LLM fallback: invoice (classifier:" in out
    assert "fields (invoice):" in out
    assert "amount = 12500.00  [ok]" in out
    assert "iban = NL00ABNA0417164300  [invalid] (IBAN checksum fails)" in out
    assert "due_date = 2026-12-03  [ok]" in out
    assert "✓ match big-invoice" in out and "would move Finance/Approval" in out
    assert "decision: routed by llm rule big-invoice" in out
    assert [schema_name(r) for r in openai_server.requests] == ["routing_label", "fields"]
    # the calls are in the audit store like the daemon's (budget, cache), tied to no message
    store = Store(project / "var" / "mailroute.db")
    calls = list(store.db.query("SELECT purpose, outcome, message FROM llm_calls ORDER BY id"))
    store.close()
    assert calls == [{"purpose": "classify", "outcome": "ok", "message": None},
                     {"purpose": "extract", "outcome": "ok", "message": None}]


def test_rules_test_no_llm_and_unsure(project, tmp_path, openai_server):
    with_llm(project, openai_server)
    eml = invoice_file(tmp_path)
    skipped = run(project, "rules", "test", str(eml), "--no-llm")
    assert skipped.exit_code == 0, skipped.output
    assert "LLM: not called (--no-llm)" in skipped.output
    assert "decision: exception" in skipped.output  # below the bar, nobody to ask
    assert openai_server.requests == []

    openai_server.label = "unsure"
    unsure = run(project, "rules", "test", str(eml))
    assert unsure.exit_code == 0, unsure.output
    assert "LLM fallback: llm_unsure" in unsure.output
    assert "fields: none extracted" in unsure.output
    assert "decision: exception" in unsure.output and "would exceptions" in unsure.output


def test_rules_test_shows_the_summary_a_rule_asks_for(project, tmp_path, openai_server):
    with_llm(project, openai_server)
    (project / "rules" / "05-big.toml").write_text(
        BIG_INVOICE.replace('name = "big-invoice"', 'name = "big-invoice"\nsummary = true'),
        encoding="utf-8")
    openai_server.label, openai_server.fields = "invoice", FIELDS
    openai_server.summary = "Factuur van 12.500 euro van Drukkerij Van Dam."
    result = run(project, "rules", "test", str(invoice_file(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "summary: Factuur van 12.500 euro van Drukkerij Van Dam." in result.output


def test_rules_test_when_the_endpoint_is_down_says_what_the_daemon_would_do(
        project, tmp_path, openai_server):
    with_llm(project, openai_server, extra='on_unavailable = "retry"\n')
    openai_server.fail_status = 503
    result = run(project, "rules", "test", str(invoice_file(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "LLM fallback: llm_unavailable (would wait and retry later)" in result.output
    assert "decision: none yet; the message would wait and be retried" in result.output


# -- replay ----------------------------------------------------------------------------------

def test_replay_uses_stored_fields_and_never_calls_the_llm(project, openai_server):
    with_llm(project, openai_server)
    openai_server.label, openai_server.fields = "invoice", FIELDS
    app = build_app(load_config(project / "config.toml"))
    deliver(app.config.mailboxes[0].path, make_mail(**INVOICE))
    assert process_available(app) == 1
    [row] = app.store.decisions(limit=None)
    app.close()
    assert row["rule"] == "big-invoice" and row["tier"] == "llm"
    sent = len(openai_server.requests)

    same = run(project, "replay")
    assert same.exit_code == 0, same.output
    # without the stored amount the big-invoice rule could not match again
    assert "0 message(s) would now be handled differently" in same.output
    (project / "rules" / "05-big.toml").write_text(
        BIG_INVOICE.replace("> 10000", "> 20000"), encoding="utf-8")
    changed = run(project, "replay")
    assert "1 message(s) would now be handled differently" in changed.output
    assert "big-invoice: tag approval, move Finance/Approval" in changed.output
    assert len(openai_server.requests) == sent  # replay never asks the LLM


def test_replay_uses_the_models_thresholds_like_the_daemon(project):
    config = load_config(project / "config.toml")
    policy = policy_from(config, ModelHolder(config.classifier.models_dir))
    learned = policy.threshold_for("invoice")
    assert learned != config.classifier.threshold, "needs a learned invoice threshold"
    app = build_app(config)
    deliver(app.config.mailboxes[0].path, make_mail(**INVOICE))
    process_available(app)
    [row] = app.store.decisions(limit=None)
    # a stored confidence between the plain threshold and the learned one: only a replay
    # with the daemon's (learned) threshold decides the same as the daemon did
    middle = (learned + config.classifier.threshold) / 2
    expected = "invoice" if middle >= learned else None
    with app.store.transaction() as db:
        db.execute("UPDATE messages SET confidence=?, rule=? WHERE id=?",
                   [middle, expected, row["id"]])
        if expected is None:
            db.execute("UPDATE actions SET kind='exceptions', target='low' WHERE message=?",
                       [row["id"]])
    app.close()
    result = run(project, "replay")
    assert result.exit_code == 0, result.output
    assert "0 message(s) would now be handled differently" in result.output


# -- webhook names ---------------------------------------------------------------------------

WEBHOOK_RULE = """
[[rule]]
name = "to-erp"
when = { category = "invoice" }
actions = [{ webhook = "erp" }, { move = "Finance/Invoices" }]
"""


def test_rules_check_names_an_unknown_webhook(project, tmp_path):
    (project / "rules" / "05-erp.toml").write_text(WEBHOOK_RULE, encoding="utf-8")
    bad = run(project, "rules", "check")
    assert bad.exit_code == 1
    assert ("05-erp.toml: rule 'to-erp': actions[1]: webhook 'erp': no [webhooks.erp] in the "
            "config") in bad.output

    # no config at hand: the check is skipped, and the output says so
    alone = CliRunner().invoke(main, ["-c", str(tmp_path / "none.toml"), "rules", "check",
                                      "--dir", str(project / "rules")])
    assert alone.exit_code == 0, alone.output
    assert "webhook names not checked (no config file" in alone.output

    with (project / "config.toml").open("a", encoding="utf-8") as f:
        f.write('\n[webhooks.erp]\nurl = "http://127.0.0.1:9/hook"\n')
    good = run(project, "rules", "check")
    assert good.exit_code == 0, good.output
    assert "not checked" not in good.output


def test_unknown_webhook_refused_at_start_and_on_reload(project):
    config = load_config(project / "config.toml")
    (project / "rules" / "05-erp.toml").write_text(WEBHOOK_RULE, encoding="utf-8")
    with pytest.raises(RuleError, match=r"no \[webhooks\.erp\]"):
        build_app(config)
    (project / "rules" / "05-erp.toml").unlink()
    book = RuleBook(project / "rules", webhooks=lambda name: name == "crm")
    (project / "rules" / "05-erp.toml").write_text(WEBHOOK_RULE, encoding="utf-8")
    assert book.maybe_reload(force=True) is False
    assert "no [webhooks.erp]" in book.last_error
    assert "to-erp" not in {r.name for r in book.current()}  # the old rules stay
    assert load_rules(project / "rules")  # no predicate: not checked


# -- budget ----------------------------------------------------------------------------------

def test_budget_reserves_calls_in_flight(tmp_path, openai_server):
    """Four concurrent calls under a 2-calls budget: only two reach the endpoint."""
    w = make_world(tmp_path, openai_server, llm={"budget": {"calls_per_hour": 2}})
    try:
        openai_server.label, openai_server.latency = "claim", 0.3
        results = []
        messages = [parse(RawMail("box", "INBOX", str(i), make_mail(subject=f"Schade {i}")))
                    for i in range(4)]

        def ask(message):
            results.append(w.tier.route(message, None).code)

        threads = [threading.Thread(target=ask, args=(m,)) for m in messages]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(results) == ["", "", "llm_budget", "llm_budget"]
        assert len(openai_server.requests) == 2
    finally:
        w.close()


def test_token_budget_reserves_max_tokens_and_is_not_overshot(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, llm={"max_tokens": 100})
    try:
        openai_server.label = "claim"
        assert w.run(make_mail(subject="Schade 1")).status == "done"
        body = openai_server.requests[0]
        assert body["max_tokens"] == 100  # the answer's limit is sent with the call
        schema = body["response_format"]["json_schema"]["schema"]
        reserved = max_cost([*(m["content"] for m in body["messages"]), json.dumps(schema)],
                            100)
        used = 100 + 20  # the loopback server's usage per call
        # room for the used call plus one reservation (+ a little, less than one more call)
        limit = used + reserved + 50
        w.tier.budget.limits[("hour", "tokens")] = limit
        second = w.run(make_mail(subject="Schade 2"))
        third = w.run(make_mail(subject="Schade 3"))
        assert second.status == "done"
        # 240 tokens used is far below the limit, but this call might take `reserved` more
        assert third.status == "exception" and w.row(third)["exception_code"] == "llm_budget"
        assert f"this call may take up to {reserved}" in w.row(third)["reason"]
        spent = w.store.db.execute("SELECT SUM(tokens_in + tokens_out) FROM llm_calls"
                                   ).fetchone()[0]
        assert spent <= limit
        assert len(openai_server.requests) == 2
        # an endpoint that reports more than reserved: the excess counts, then calls stop
        openai_server.script.append(Reply(json.dumps({"label": "claim", "reason": "x"}),
                                          tokens=(limit, 0)))
        w.tier.budget.limits[("hour", "tokens")] = 0
        assert w.run(make_mail(subject="Schade 4")).status == "done"
        w.tier.budget.limits[("hour", "tokens")] = limit
        assert "used up" in w.tier.budget.exhausted()
    finally:
        w.close()


# -- retention -------------------------------------------------------------------------------

def test_prune_covers_summaries_attachment_details_and_the_cache(tmp_path):
    store = Store(tmp_path / "store.db")
    old, new = datetime.now(UTC) - timedelta(days=40), datetime.now(UTC)
    with store.transaction() as db:
        for pk, when in ((1, old), (2, new)):
            db["messages"].insert({"id": pk, "mailbox": "box", "folder": "INBOX",
                                   "source_id": str(pk), "status": "done", "label": "invoice",
                                   "rule": "invoice", "finished_at": iso(when),
                                   "summary": f"summary {pk}", "message": b"raw"})
            db["summaries"].insert({"message": pk, "summary": f"summary {pk}", "language": "nl",
                                    "template_version": "summary-1", "created_at": iso(when)})
            db["attachment_texts"].insert_all([
                {"message": pk, "filename": "f.pdf", "kind": "pdf", "status": "error",
                 "chars": 0, "detail": "ValueError: IBAN NL91ABNA0417164300 in text",
                 "created_at": iso(when)},
                {"message": pk, "filename": "g.pdf", "kind": "pdf", "status": "ok",
                 "chars": 10, "detail": "2 of 2 pages", "created_at": iso(when)}])
            db["llm_cache"].insert({"key": f"k{pk}", "purpose": "summary",
                                    "response": f"summary {pk}", "tokens_in": 1,
                                    "tokens_out": 1, "created_at": iso(when)})
    result = prune(store, cutoff_for(30))
    assert (result.summaries, result.attachment_texts, result.llm_cache) == (1, 1, 1)
    q = store.db.execute
    assert q("SELECT summary FROM summaries ORDER BY message").fetchall() == [
        (None,), ("summary 2",)]
    assert q("SELECT language, template_version FROM summaries WHERE message=1").fetchone() == (
        "nl", "summary-1")
    assert q("SELECT summary FROM messages ORDER BY id").fetchall() == [(None,), ("summary 2",)]
    assert q("SELECT message, status, detail FROM attachment_texts ORDER BY message, rowid"
             ).fetchall() == [(1, "error", None), (1, "ok", "2 of 2 pages"),
                              (2, "error", "ValueError: IBAN NL91ABNA0417164300 in text"),
                              (2, "ok", "2 of 2 pages")]
    assert q("SELECT key FROM llm_cache").fetchall() == [("k2",)]
    # the decision trail stays
    assert q("SELECT label, rule, status FROM messages WHERE id=1").fetchone() == (
        "invoice", "invoice", "done")
    assert prune(store, cutoff_for(30)).total == 0  # idempotent
    store.close()


# -- llm check -------------------------------------------------------------------------------

def check(project: Path, server, extra: str = ""):
    with_llm(project, server, unsure=False, extra=extra)
    return run(project, "llm", "check")


def test_llm_check_reports_model_latency_and_json_schema(project, openai_server):
    openai_server.script.append(Reply(json.dumps({"ok": True, "echo": "mailroute"}),
                                      tokens=(31, 12)))
    result = check(project, openai_server)
    assert result.exit_code == 0, result.output
    assert "model: test-model" in result.output
    assert "latency: " in result.output and "(tokens in 31, out 12)" in result.output
    assert "JSON-schema output: works" in result.output
    [body] = openai_server.requests
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True


def test_llm_check_says_when_the_schema_is_not_followed(project, openai_server):
    openai_server.script.append(Reply("Sure! Here is your JSON: ok"))
    result = check(project, openai_server)
    assert result.exit_code == 1
    assert "JSON-schema output: does not work (not JSON" in result.output


def test_llm_check_fails_clearly_when_unreachable_or_refused(project, openai_server):
    openai_server.fail_status = 401
    refused = check(project, openai_server)
    assert refused.exit_code == 2
    assert f"error: {openai_server.base_url}: HTTP 401" in refused.output
    url = openai_server.base_url
    openai_server.stop()
    down = run(project, "llm", "check")
    assert down.exit_code == 2
    assert f"{url}: APIConnectionError" in down.output


def test_rules_test_prints_mail_text_and_llm_answers_literally(project, tmp_path,
                                                               openai_server):
    """Subject and field values are untrusted: rich markup in them is shown, not obeyed."""
    with_llm(project, openai_server)
    openai_server.label = "invoice"
    openai_server.fields = {**FIELDS, "supplier": "[bold red]ACME[/] [/]"}
    eml = tmp_path / "odd.eml"
    eml.write_bytes(make_mail(**{**INVOICE, "subject": "Factuur [/] [link=x]klik[/link]"}))
    result = run(project, "rules", "test", str(eml))
    assert result.exit_code == 0, result.output
    assert "Factuur [/] [link=x]klik[/link]" in result.output
    assert "supplier = [bold red]ACME[/] [/]  [ok]" in result.output
