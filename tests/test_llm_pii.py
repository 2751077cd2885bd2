"""PII pseudonymisation before the call, restore after; categories kept away from the LLM."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailroute.core.pii import bsn_ok, pseudonymize, restore
from tests.conftest import make_mail
from tests.llm_helpers import make_world
from tests.openai_server import user_text

PERSONAL = {
    "email": "jan.jansen@example.nl",
    "phone": "06-12345678",
    "intl_phone": "+31 20 123 4567",
    "iban": "NL91 ABNA 0417 1643 00",
    "bsn": "111222333",
    "postcode": "1234 AB",
}
BODY = (f"Beste, mail mij op {PERSONAL['email']} of bel {PERSONAL['phone']} / "
        f"{PERSONAL['intl_phone']}. Rekening {PERSONAL['iban']}, BSN {PERSONAL['bsn']}, "
        f"adres Dorpsstraat 1, {PERSONAL['postcode']} Amsterdam. Polis PL-2026-123456789X.")


def test_round_trip_replaces_every_kind_and_restores_exactly():
    text, names = pseudonymize(BODY)
    for value in PERSONAL.values():
        assert value not in text
    assert {k.split("_")[0].strip("[") for k in names.mapping} == {
        "EMAIL", "PHONE", "IBAN", "BSN", "POSTCODE"}
    assert restore(text, names.mapping) == BODY


def test_bsn_needs_the_11_check():
    assert bsn_ok("111222333") and not bsn_ok("123456789")
    text, _ = pseudonymize("nummer 123456789")  # fails the 11-check: not a BSN, kept
    assert text == "nummer 123456789"


def test_same_value_same_placeholder():
    text, names = pseudonymize("a@b.nl and again a@b.nl")
    assert text == "[EMAIL_1] and again [EMAIL_1]" and len(names.mapping) == 1


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="[]"), max_size=80))
def test_restore_inverts_pseudonymize(text):
    masked, names = pseudonymize(text)
    assert restore(masked, names.mapping) == text


def test_pipeline_sends_no_personal_data_and_restores_the_answer(tmp_path, openai_server):
    rules = """
[[rule]]
name = "claim-summary"
summary = true
when = { category = "claim" }
actions = [{ move = "Claims" }]
"""
    w = make_world(tmp_path, openai_server, extra_rules=rules,
                   llm={"pseudonymize": True, "extract": True})
    try:
        openai_server.label = "claim"
        openai_server.summary = "Klant [EMAIL_1] meldt schade; terugbellen op [PHONE_1]."
        openai_server.fields = {"policy_number": "PL-2026-123456789X", "amount": "100"}
        out = w.run(make_mail(subject="Schade", body=BODY,
                              sender="Jan <jan.jansen@example.nl>"))
        assert out.status == "done" and w.row(out)["tier"] == "llm"
        sent = "\n".join(user_text(r) for r in openai_server.requests)
        assert len(openai_server.requests) == 3  # route, extract, summary
        for value in PERSONAL.values():
            assert value not in sent
        assert "[EMAIL_1]" in sent and "[IBAN_1]" in sent
        assert w.row(out)["summary"] == (
            f"Klant {PERSONAL['email']} meldt schade; terugbellen op {PERSONAL['phone']}.")
    finally:
        w.close()


def test_excluded_category_never_reaches_the_llm(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, label="job_application", confidence=0.45,
                   llm={"exclude_categories": ["job_application"], "extract": True})
    try:
        out = w.run(make_mail(subject="Sollicitatie", body="Mijn CV en BSN 111222333."))
        assert out.status == "exception"
        assert w.row(out)["exception_code"] == "llm_excluded"
        assert openai_server.requests == []
        # and a confident HR mail is routed by the classifier alone, also without the LLM
        w.classifier.confidence = 0.95
        out = w.run(make_mail(subject="Sollicitatie 2"))
        assert out.status == "done" and ("move", "HR/Applications") in w.actions(out)
        assert openai_server.requests == []
        # the routing prompt never offers the excluded label
        w.classifier.label, w.classifier.confidence = "complaint", 0.3
        openai_server.label = "complaint"
        w.run(make_mail(subject="Klacht"))
        enum = openai_server.requests[0]["response_format"]["json_schema"]["schema"][
            "properties"]["label"]["enum"]
        assert "job_application" not in enum
    finally:
        w.close()
