"""Pure builders of forwards and replies, and the reply templates."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailroute.adapters.templates import (
    Rendered,
    ReplyTemplateError,
    Templates,
    split_subject,
)
from mailroute.core import compose
from mailroute.core.message import RawMail
from mailroute.core.parse import parse
from tests.conftest import REPO, make_mail

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
ABOUT = compose.About(mailbox="sample", action_id=7, category="claim", confidence=0.912,
                      rule="claim", summary="Schade aan auto na aanrijding")


def _message(data: bytes):
    return parse(RawMail("sample", "INBOX", "1", data))


def rfc822_part(data: bytes) -> bytes:
    """The bytes of the message/rfc822 part exactly as they sit in ``data``."""
    head_end = data.index(b"Content-Type: message/rfc822")
    start = data.index(b"\r\n\r\n", head_end) + 4
    boundary = data[data.index(b'boundary="') + 10:].split(b'"', 1)[0]
    end = data.index(b"\r\n--" + boundary + b"--", start)
    return data[start:end]


def test_forward_attachment_keeps_original_bytes():
    original = make_mail(subject="Schade ré", body="Regel één\nRegel twee\n.begint met punt\n",
                         attachments=[("foto.jpg", "image/jpeg", b"\xff\xd8\xff" * 50)])
    msg = _message(original)
    out = compose.forward(original, msg, ABOUT, sender="triage@example.nl",
                          to=["team@example.nl", "b@example.nl"], mode="attachment",
                          message_id="<f1@example.nl>", now=NOW)
    assert out.envelope_from == "triage@example.nl"
    assert out.recipients == ("team@example.nl", "b@example.nl")
    assert rfc822_part(out.data) == compose.crlf(original)
    parsed = email.message_from_bytes(out.data, policy=email.policy.default)
    assert parsed["Subject"] == "Fwd: Schade ré"
    assert parsed["X-Mailroute-Category"] == "claim"
    assert parsed["X-Mailroute-Confidence"] == "0.912"
    assert parsed["X-Mailroute-Rule"] == "claim"
    assert parsed["X-Mailroute-Message-Id"] == msg.message_id
    assert parsed["X-Mailroute-Action"] == "7"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Message-ID"] == "<f1@example.nl>"
    text, attached = list(parsed.iter_parts())
    block = text.get_content()
    assert "Category:   claim (confidence 0.91)" in block
    assert "Rule:       claim" in block
    assert "Summary:    Schade aan auto na aanrijding" in block
    assert attached.get_content_type() == "message/rfc822"
    assert attached.get_content().get("Subject") == "Schade ré"


def test_forward_attachment_of_lf_only_original_is_crlf():
    original = make_mail().replace(b"\r\n", b"\n")
    out = compose.forward(original, _message(original), ABOUT, sender="t@example.nl",
                          to=["a@example.nl"], mode="attachment", message_id="<x@y>", now=NOW)
    assert b"\r\n" in out.data and b"\n" not in out.data.replace(b"\r\n", b"")
    assert rfc822_part(out.data) == original.replace(b"\n", b"\r\n")


def test_forward_eight_bit_flag():
    ascii_mail = make_mail(body="plain ascii")
    out = compose.forward(ascii_mail, _message(ascii_mail), ABOUT, sender="t@example.nl",
                          to=["a@example.nl"], mode="attachment", message_id="<x@y>", now=NOW)
    assert not out.eight_bit
    raw8 = b"From: a@b.nl\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n" \
           b"Content-Transfer-Encoding: 8bit\r\n\r\nh\xc3\xa9\r\n"
    out = compose.forward(raw8, _message(raw8), ABOUT, sender="t@example.nl",
                          to=["a@example.nl"], mode="attachment", message_id="<x@y>", now=NOW)
    assert out.eight_bit
    assert b"Content-Transfer-Encoding: 8bit" in out.data


def test_forward_inline():
    original = make_mail(subject="Factuur 12", body="Graag betalen binnen 30 dagen.",
                         attachments=[("factuur.pdf", "application/pdf", b"%PDF-1.4 test")])
    out = compose.forward(original, _message(original), ABOUT, sender="t@example.nl",
                          to=["fin@example.nl"], mode="inline", message_id="<i@y>", now=NOW)
    assert not out.eight_bit
    parsed = email.message_from_bytes(out.data, policy=email.policy.default)
    assert parsed["Subject"] == "Fwd: Factuur 12"
    assert parsed["X-Mailroute-Category"] == "claim"
    body = parsed.get_body(("plain",)).get_content()
    assert "---------- Forwarded message ----------" in body
    assert "Graag betalen binnen 30 dagen." in body
    assert "Category:   claim" in body
    files = [(p.get_filename(), p.get_content()) for p in parsed.iter_attachments()]
    assert files == [("factuur.pdf", b"%PDF-1.4 test")]


def test_forward_refuses_bad_mode_and_no_recipients():
    original = make_mail()
    with pytest.raises(ValueError, match="mode"):
        compose.forward(original, _message(original), ABOUT, sender="t@example.nl",
                        to=["a@example.nl"], mode="bcc", message_id="<x@y>", now=NOW)
    with pytest.raises(ValueError, match="recipient"):
        compose.forward(original, _message(original), ABOUT, sender="t@example.nl",
                        to=[], mode="inline", message_id="<x@y>", now=NOW)


def test_reply_headers_and_threading():
    original = make_mail(subject="Schademelding", message_id="<orig@klant.nl>",
                         headers={"References": "<a@klant.nl> <b@klant.nl>"})
    out = compose.reply(_message(original), ABOUT, sender="schade@example.nl",
                        recipient="jan@gmail.com", body="Beste Jan,\n\nOntvangen.\n",
                        subject=None, message_id="<r1@example.nl>", now=NOW)
    assert out.envelope_from == ""  # null sender (RFC 3834 §3.3)
    assert out.recipients == ("jan@gmail.com",)
    parsed = email.message_from_bytes(out.data, policy=email.policy.default)
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert parsed["In-Reply-To"] == "<orig@klant.nl>"
    assert parsed["References"] == "<a@klant.nl> <b@klant.nl> <orig@klant.nl>"
    assert parsed["Subject"] == "Re: Schademelding"
    assert parsed["To"] == "jan@gmail.com"
    assert parsed["From"] == "schade@example.nl"
    assert parsed["X-Mailroute-Rule"] == "claim"
    assert parsed.get_content().replace("\r\n", "\n") == "Beste Jan,\n\nOntvangen.\n"
    kept = compose.reply(_message(original), ABOUT, sender="schade@example.nl",
                         recipient="jan@gmail.com", body="x", subject="Ontvangen: uw melding",
                         message_id="<r2@example.nl>", now=NOW, null_sender=False)
    assert kept.envelope_from == "schade@example.nl"
    assert email.message_from_bytes(kept.data)["Subject"] == "Ontvangen: uw melding"


@pytest.mark.parametrize(("subject", "expected"), [
    ("Schade", "Re: Schade"), ("RE: Schade", "Re: Schade"), ("re: x", "Re: x"), ("", "Re:"),
    ("line\r\nBcc: evil@x.nl", "Re: line Bcc: evil@x.nl"),
])
def test_prefixed_subject(subject, expected):
    assert compose.prefixed("Re", subject) == expected


# -- templates ---------------------------------------------------------------------------------

VARS = {"subject": "Schade", "sender_name": "Jan", "sender_email": "jan@gmail.com",
        "category": "claim", "confidence": 0.9, "language": "nl", "mailbox": "sample",
        "rule": "claim", "summary": ""}


def test_shipped_claim_template():
    templates = Templates(REPO / "rules" / "templates")
    nl = templates.render("claim-received", VARS)
    assert nl.subject == "Re: Schade"
    assert nl.body.startswith("Beste Jan,")
    assert "schademelding ontvangen" in nl.body
    en = templates.render("claim-received", {**VARS, "language": "en", "sender_name": ""})
    assert en.body.startswith("Dear customer,")


def test_template_errors_name_the_file(tmp_path: Path):
    (tmp_path / "bad.txt.j2").write_text("Hallo {{ naam }}\n", encoding="utf-8")
    (tmp_path / "broken.txt.j2").write_text("x\n{% if %}\n", encoding="utf-8")
    (tmp_path / "evil.txt.j2").write_text("{{ subject.__class__.__mro__ }}", encoding="utf-8")
    templates = Templates(tmp_path)
    with pytest.raises(ReplyTemplateError, match=r"bad\.txt\.j2.*naam"):
        templates.render("bad", VARS)
    with pytest.raises(ReplyTemplateError, match=r"broken\.txt\.j2 line 2"):
        templates.render("broken", VARS)
    with pytest.raises(ReplyTemplateError, match="not found"):
        templates.render("missing", VARS)
    with pytest.raises(ReplyTemplateError, match="not a valid template name"):
        templates.render("../etc/passwd", VARS)
    with pytest.raises(ReplyTemplateError, match="evil"):  # the sandbox refuses
        templates.render("evil", VARS)


def test_split_subject():
    assert split_subject("Subject: Hoi  daar\n\nBody\n") == Rendered("Hoi daar", "Body\n")
    assert split_subject("Body only\n") == Rendered(None, "Body only\n")
    assert split_subject("subject:\nBody") == Rendered(None, "Body")
