"""Parsing never fails: odd mail becomes a Message with its defects listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailroute.core.htmltext import html_to_text
from mailroute.core.message import RawMail
from mailroute.core.parse import parse

from .conftest import SAMPLES, make_mail


def raw(data: bytes, sid: str = "1") -> RawMail:
    return RawMail("test", "INBOX", sid, data)


def test_well_formed_message():
    data = make_mail(
        subject="Factuur 2026-0413", sender="Boekhouding Van Dam <Facturen@Drukkerij-VanDam.nl>",
        to="facturen@example-verzekeringen.nl",
        attachments=[("factuur.pdf", "application/pdf", b"%PDF-1.4 fake")],
    )
    msg = parse(raw(data))
    assert msg.subject == "Factuur 2026-0413"
    assert msg.from_.email == "facturen@drukkerij-vandam.nl"
    assert msg.from_.name == "Boekhouding Van Dam"
    assert msg.sender_domain == "drukkerij-vandam.nl"
    assert [a.email for a in msg.to] == ["facturen@example-verzekeringen.nl"]
    assert msg.message_id.endswith("@test.example>")
    assert msg.date is not None and msg.date.year == 2026
    assert "factuur voor de geleverde diensten" in msg.body
    assert [(a.filename, a.content_type, a.size) for a in msg.attachments] == [
        ("factuur.pdf", "application/pdf", 13)
    ]
    assert msg.attachments[0].payload == b"%PDF-1.4 fake"
    assert msg.language == "nl"
    assert msg.defects == ()


def test_html_only_body_becomes_text():
    data = make_mail(body="", html="<html><style>p{color:red}</style><p>Beste&nbsp;team,</p>"
                     "<script>alert(1)</script><table><tr><td>Polis</td><td>POL-1</td></tr>"
                     "</table></html>")
    msg = parse(raw(data))
    assert "Beste team," in msg.body
    assert "alert" not in msg.body and "color" not in msg.body


def test_html_to_text_blocks_and_entities():
    assert html_to_text("<p>a &amp; b</p><p>c<br>d</p>") == "a & b\n\nc\nd"


def test_truncated_multipart_keeps_what_arrived():
    data = (
        b"From: a@b.nl\nTo: c@d.nl\nSubject: Schade melding\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="XX"\n\n--XX\n'
        b"Content-Type: text/plain; charset=utf-8\n\nMijn auto is beschadigd.\n--XX\n"
        b'Content-Type: application/pdf; name="foto.pdf"\n'
        b"Content-Transfer-Encoding: base64\n\nJVBER"
    )
    msg = parse(raw(data))
    assert msg.subject == "Schade melding"
    assert "Mijn auto is beschadigd." in msg.body
    assert any("CloseBoundaryNotFound" in d or "boundary" in d.lower() for d in msg.defects)


def test_unknown_charset_does_not_crash():
    data = (b"From: a@b.nl\nSubject: vraag\nContent-Type: text/plain; charset=x-klingon\n\n"
            b"Caf\xe9 ge\xefnteresseerd in een offerte\n")
    msg = parse(raw(data))
    assert "offerte" in msg.body


def test_message_without_body():
    msg = parse(raw(b"From: a@b.nl\nTo: c@d.nl\nSubject: leeg\n\n"))
    assert msg.subject == "leeg"
    assert msg.body == ""
    assert "empty body" in msg.defects
    assert not msg.unparseable


def test_attachment_only_message():
    data = make_mail(body="", attachments=[("polis.pdf", "application/pdf", b"%PDF data")])
    msg = parse(raw(data))
    assert [a.filename for a in msg.attachments] == ["polis.pdf"]
    assert "empty body" not in msg.defects


def test_missing_headers():
    msg = parse(raw(b"Zomaar wat tekst zonder headers\nen nog een regel\n"))
    assert msg.from_ is None and msg.message_id == "" and msg.date is None
    assert "no headers" in msg.defects
    assert "tekst" in msg.body


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02\xff" * 50])
def test_empty_and_junk_input(data: bytes):
    msg = parse(raw(data))
    assert msg.defects
    assert msg.size == len(data)


def test_encoded_words_are_decoded():
    data = (b"From: =?iso-8859-1?Q?Jos=E9_M=FCller?= <jose@example.nl>\n"
            b"Subject: =?utf-8?B?V2lqemlnaW5nIHBvbGlzIGJpauKAmXRpamRz?=\n\nTekst\n")
    msg = parse(raw(data))
    assert msg.from_.name == "José Müller"
    assert msg.subject == "Wijziging polis bij’tijds"


def test_every_shipped_odd_message_parses():
    odd = sorted((SAMPLES / "odd").glob("*.eml"))
    assert len(odd) >= 10
    for path in odd:
        msg = parse(raw(path.read_bytes(), path.name))
        assert msg.source_id == path.name


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_never_raises(data: bytes):
    msg = parse(raw(data))
    assert msg.size == len(data)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.text(max_size=80))
def test_parse_never_raises_on_header_like_text(body: str, subject: str):
    data = f"Subject: {subject}\nContent-Type: multipart/mixed; boundary=b\n\n--b\n{body}"
    parse(raw(data.encode("utf-8", "surrogatepass")))


def test_corpus_messages_all_have_text(tmp_path: Path):
    paths = sorted((SAMPLES / "corpus").rglob("*.eml"))
    assert len(paths) >= 300
    empty = [p for p in paths if not parse(raw(p.read_bytes())).body]
    assert len(empty) <= len(paths) * 0.05
