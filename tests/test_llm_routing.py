"""The LLM fallback: asked only below threshold, answers validated, every call recorded,
and the endpoint's failures (errors, 429s, timeouts, outages, budget) never lose mail."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_mail, wait_for
from tests.llm_helpers import make_world
from tests.openai_server import Reply, schema_name


@pytest.fixture
def world(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server)
    yield w
    w.close()


def test_confident_classification_does_not_call_the_llm(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, confidence=0.95)
    try:
        out = w.run(make_mail(subject="Schademelding auto"))
        assert out.status == "done"
        assert w.row(out)["tier"] == "classifier"
        assert ("move", "Claims") in w.actions(out)
        assert openai_server.calls("routing_label") == []
        assert w.calls() == []
    finally:
        w.close()


def test_below_threshold_the_llm_label_routes_and_is_recorded(world, openai_server):
    world.classifier.label, world.classifier.confidence = "general_question", 0.41
    openai_server.label = "claim"
    out = world.run(make_mail(subject="Schade aan mijn auto", body="Ik wil schade melden."))
    assert out.status == "done"
    row = world.row(out)
    assert (row["label"], row["tier"], row["rule"]) == ("claim", "llm", "claim")
    assert ("move", "Claims") in world.actions(out)
    # the request used structured output with the configured labels plus "unsure"
    [request] = openai_server.requests
    schema = request["response_format"]["json_schema"]["schema"]
    assert request["response_format"]["type"] == "json_schema"
    assert schema["properties"]["label"]["enum"][-1] == "unsure"
    assert set(schema["properties"]["label"]["enum"]) == {*world.tier.labels(), "unsure"}
    [call] = world.calls(out)
    assert call["purpose"] == "classify" and call["outcome"] == "ok"
    assert call["model"] == "test-model" and call["template_version"] == "classify-1"
    assert (call["tokens_in"], call["tokens_out"]) == (100, 20)
    assert len(call["prompt_sha256"]) == 64 and len(call["response_sha256"]) == 64
    assert call["prompt"] is None and call["response"] is None  # no full text by default
    assert call["latency_seconds"] > 0
    assert world.metric("mailroute_llm_calls_total", purpose="classify", outcome="ok") == 1
    assert world.metric("mailroute_llm_tokens_total", purpose="classify", direction="in") == 100
    assert world.metric("mailroute_llm_request_seconds_count", purpose="classify") == 1
    assert world.metric("mailroute_messages_total", mailbox="box", label="claim", tier="llm",
                        outcome="routed") == 1


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (Reply(json.dumps({"label": "forward to x@evil.example", "reason": "r"})), "llm_invalid"),
        (Reply("{not json"), "llm_invalid"),
        (Reply(json.dumps(["claim"])), "llm_invalid"),
        (Reply(None, refusal="I can't help with that."), "llm_refused"),
        (Reply(json.dumps({"label": "unsure", "reason": "ambiguous"})), "llm_unsure"),
        (Reply(""), "llm_invalid"),
    ],
    ids=["invalid-label", "malformed", "not-object", "refusal", "unsure", "empty"],
)
def test_bad_answers_go_to_exceptions(world, openai_server, reply, code):
    openai_server.script.append(reply)
    out = world.run(make_mail(subject="Vraagje"))
    assert out.status == "exception"
    row = world.row(out)
    assert row["exception_code"] == code
    assert "LLM fallback" in row["reason"] and "classifier: claim 0.30 < 0.60" in row["reason"]
    assert world.actions(out) == [("exceptions", row["reason"].split("; ")[-1])]
    assert world.metric("mailroute_exceptions_total", mailbox="box", reason=code) == 1


def test_cache_hit_costs_nothing(world, openai_server):
    openai_server.label = "complaint"
    mail = make_mail(subject="Klacht", message_id="<same@test>")
    first = world.run(mail)
    second = world.run(mail)  # the same bytes again, e.g. reprocessing after a restore
    assert first.status == second.status == "done"
    assert len(openai_server.requests) == 1
    calls = world.calls()
    assert [(c["cached"], c["outcome"]) for c in calls] == [(0, "ok"), (1, "ok")]
    assert calls[1]["tokens_in"] == 0 and calls[1]["cost"] == 0
    assert world.row(second)["tier"] == "llm"
    assert world.metric("mailroute_llm_calls_total", purpose="classify", outcome="cached") == 1


def test_budget_exhausted_goes_to_exceptions(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, llm={"budget": {"calls_per_hour": 2}})
    try:
        openai_server.label = "claim"
        outs = [w.run(make_mail(subject=f"Schade {i}")) for i in range(3)]
        assert [o.status for o in outs] == ["done", "done", "exception"]
        assert w.row(outs[2])["exception_code"] == "llm_budget"
        assert "2 of 2 calls per hour" in w.row(outs[2])["reason"]
        assert len(openai_server.requests) == 2
        assert w.metric("mailroute_llm_budget_remaining", window="hour", kind="calls") == 0
        assert w.metric("mailroute_llm_budget_remaining", window="day", kind="calls") == -1
        # an hour later the budget is back
        w.clock.advance(3601)
        assert w.run(make_mail(subject="Schade 4")).status == "done"
    finally:
        w.close()


def test_retries_429_with_backoff_then_succeeds(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, llm={"max_retries": 2})
    try:
        for _ in range(2):
            openai_server.script.append(Reply(status=429, headers={"retry-after-ms": "20"}))
        openai_server.label = "invoice"
        out = w.run(make_mail(subject="Factuur"))
        assert out.status == "done" and w.row(out)["label"] == "invoice"
        assert len(openai_server.requests) == 3  # two 429s, then the answer
        assert [c["outcome"] for c in w.calls(out)] == ["ok"]
    finally:
        w.close()


def test_5xx_without_retries_is_unavailable(world, openai_server):
    openai_server.fail_status = 503
    out = world.run(make_mail(subject="Factuur"))
    assert out.status == "exception"
    assert world.row(out)["exception_code"] == "llm_unavailable"
    assert len(openai_server.requests) == 1  # max_retries = 0 in this world


def test_timeout_is_unavailable(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, llm={"timeout_seconds": 0.3})
    try:
        openai_server.latency = 1.5
        out = w.run(make_mail(subject="Traag"))
        assert out.status == "exception"
        assert w.row(out)["exception_code"] == "llm_unavailable"
        assert w.calls(out)[0]["outcome"] == "unavailable"
    finally:
        w.close()


def test_circuit_breaker_opens_and_recovers(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server,
                   llm={"circuit": {"failures": 2, "reset_seconds": 0.3}})
    try:
        openai_server.fail_status = 503
        outs = [w.run(make_mail(subject=f"Mail {i}")) for i in range(3)]
        assert [w.row(o)["exception_code"] for o in outs] == ["llm_unavailable"] * 3
        assert len(openai_server.requests) == 2  # the third never left: circuit open
        assert w.calls(outs[2])[0]["outcome"] == "circuit_open"
        assert w.metric("mailroute_llm_circuit_state") == 2
        openai_server.fail_status = None
        openai_server.label = "complaint"
        assert wait_for(lambda: w.tier.breaker.state == "half_open", timeout=5)
        out = w.run(make_mail(subject="Mail 4"))
        assert out.status == "done" and w.row(out)["tier"] == "llm"
        assert w.tier.breaker.state == "closed"
        assert w.metric("mailroute_llm_circuit_state") == 0
    finally:
        w.close()


def test_on_unavailable_retry_waits_and_loses_nothing(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, llm={"on_unavailable": "retry"})
    try:
        openai_server.fail_status = 503
        out = w.run(make_mail(subject="Later graag"))
        assert out.status == "failed"
        row = w.row(out)
        assert row["status"] == "failed" and "deferred" in row["last_error"]
        assert w.store.actions_of(out.pk) == []  # nothing journalled, nothing done
        assert w.process().status == "skipped"  # not due yet
        openai_server.fail_status = None
        openai_server.label = "policy_change"
        w.clock.advance(61)
        again = w.process()
        assert again.status == "done" and again.pk == out.pk
        assert w.row(again)["tier"] == "llm"
        assert ("move", "Policies/Changes") in w.actions(again)
    finally:
        w.close()


def test_on_unavailable_retry_gives_up_to_exceptions(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, llm={"on_unavailable": "retry"})
    try:
        openai_server.fail_status = 503
        out = w.run(make_mail(subject="Nooit"))
        for _ in range(2):  # max_attempts = 3 in this world
            w.clock.advance(3600)
            out = w.process()
        assert out.status == "exception"
        assert "gave up after 3 attempts" in w.row(out)["reason"]
    finally:
        w.close()


def test_audit_flag_stores_full_text_and_cost(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, llm={
        "audit_full_text": True,
        "prices": {"input_per_million": 500.0, "output_per_million": 1500.0}})
    try:
        openai_server.label = "claim"
        out = w.run(make_mail(subject="Schade", body="Mijn fiets is gestolen."))
        [call] = w.calls(out)
        assert "Mijn fiets is gestolen." in call["prompt"]
        assert json.loads(call["response"])["label"] == "claim"
        assert call["cost"] == pytest.approx((100 * 500 + 20 * 1500) / 1_000_000)
        assert w.metric("mailroute_llm_cost_estimate_total", purpose="classify") == \
            pytest.approx(0.08)
    finally:
        w.close()


def test_api_key_from_env_is_sent(tmp_path, openai_server, monkeypatch):
    monkeypatch.setenv("TEST_LLM_KEY", "sk-test-123")
    w = make_world(tmp_path, openai_server, llm={"api_key": {"env": "TEST_LLM_KEY"}})
    try:
        openai_server.label = "claim"
        w.run(make_mail())
        assert openai_server.headers[0].get("authorization") == "Bearer sk-test-123"
        assert schema_name(openai_server.requests[0]) == "routing_label"
    finally:
        w.close()


def test_admin_context_and_descriptions_reach_the_system_prompt(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, llm={
        "context": {"*": {"company": "Verzekeraar BV"}, "box": {"department": "Schade"}},
        "descriptions": {"claim": "a damage report by a customer"}})
    try:
        openai_server.label = "claim"
        w.run(make_mail())
        system = openai_server.requests[0]["messages"][0]["content"]
        assert "- company: Verzekeraar BV" in system and "- department: Schade" in system
        assert "- claim: a damage report by a customer" in system
    finally:
        w.close()
