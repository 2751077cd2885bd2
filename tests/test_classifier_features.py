"""What the classifier sees: quoted history, forwards and signatures cut; header tokens."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailroute.core.features import (
    _FILE_REF,
    clean_subject,
    document,
    file_refs,
    meta_tokens,
    strip_quoted,
)
from mailroute.core.message import RawMail
from mailroute.core.parse import parse
from tests.conftest import make_mail

OWN_NL = "Hierbij stuur ik de gevraagde schadefoto's van de aanrijding van gisteren."
OWN_EN = "Please find the photos of yesterday's collision attached, as you asked."


@pytest.mark.parametrize(
    ("body", "gone"),
    [
        # Dutch Gmail reply, the attribution wrapped onto a second line
        (f"{OWN_NL}\n\nOp ma 3 nov. 2026 om 10:12 schreef Jan Jansen <\njan@example.nl>:\n"
         "> Kunt u foto's sturen?\n", "Kunt u"),
        # Dutch Outlook reply
        (f"{OWN_NL}\n\n-----Oorspronkelijk bericht-----\nVan: Schadeafdeling\n"
         "Verzonden: maandag 3 november 2026 10:12\nOnderwerp: foto's\nStuur foto's.", "Stuur"),
        # Outlook without the dashes: underscores, then a Van:/Verzonden: block
        (f"{OWN_NL}\n\n________________________________\nVan: Schade <s@x.nl>\n"
         "Verzonden: maandag\nAan: mij\nGraag foto's.", "Graag"),
        # Apple Mail Dutch: "Op ... heeft ... het volgende geschreven:"
        (f"{OWN_NL}\n\nOp 3 nov. 2026 om 10:12 heeft Jan het volgende geschreven:\n\n"
         "Oude tekst hier.", "Oude tekst"),
        # English Gmail reply
        (f"{OWN_EN}\n\nOn Mon, Nov 3, 2026 at 10:12 AM Claims <claims@x.com> wrote:\n"
         "> Could you send photos?", "Could you"),
        # English forwarded message inside a reply
        (f"{OWN_EN}\n\n---------- Forwarded message ---------\nFrom: Someone\n"
         "Date: Mon\nOld forwarded text.", "Old forwarded"),
        # Outlook English header block
        (f"{OWN_EN}\n\nFrom: Claims Desk <c@x.com>\nSent: Monday, 3 November 2026\n"
         "To: me\nSubject: photos\nOlder text.", "Older text"),
    ],
)
def test_quoted_history_is_cut(body: str, gone: str) -> None:
    out = strip_quoted(body)
    assert gone not in out
    assert out.startswith(("Hierbij", "Please"))


@pytest.mark.parametrize(
    ("signoff", "tail"),
    [
        ("Met vriendelijke groet,\nJan Jansen\nTel 06-12345678", "06-12345678"),
        ("Met vriendelijke groeten,\n\nPetra", "Petra"),
        ("Mvg,\nKees", "Kees"),
        ("Vriendelijke groet, Anna de Vries\nAdviseur", "Adviseur"),
        ("Kind regards,\nJohn Smith\nClaims Manager", "Claims Manager"),
        ("Best regards\nMary", "Mary"),
        ("--\nJohn Smith | Acme Ltd", "Acme"),
        ("Verzonden vanaf mijn iPhone", "iPhone"),
        ("Sent from my iPhone", "iPhone"),
        ("Dit e-mailbericht is uitsluitend bestemd voor de geadresseerde.", "geadresseerde"),
    ],
)
def test_signatures_are_cut(signoff: str, tail: str) -> None:
    out = strip_quoted(f"{OWN_NL}\n\n{signoff}")
    assert tail not in out
    assert out == OWN_NL


def test_sign_off_words_inside_a_sentence_are_kept() -> None:
    body = ("With regards to your claim of last week: we need the police report.\n"
            "Groeten uit Utrecht hebben we niet nodig, wel het polisnummer.")
    assert strip_quoted(body) == body


def test_bare_forward_keeps_the_forwarded_text() -> None:
    body = ("FYI\n\n-----Original Message-----\nFrom: Supplier\nSent: Monday\n"
            "Invoice 2026-0413 for the printing work is attached.")
    assert "Invoice 2026-0413" in strip_quoted(body)


def test_quoted_lines_are_dropped() -> None:
    body = f"{OWN_EN}\n> old line one\n> old line two\n"
    assert strip_quoted(body) == OWN_EN


@pytest.mark.parametrize(
    ("subject", "clean"),
    [("Re: Factuur 12", "Factuur 12"), ("RE: AW: Antw: vraag", "vraag"),
     ("Fwd: Doorst: claim", "claim"), ("FW: Re: [ext] test", "[ext] test"),
     ("Reactie op vacature", "Reactie op vacature")],
)
def test_subject_prefixes(subject: str, clean: str) -> None:
    assert clean_subject(subject) == clean


def _parsed(raw: bytes):
    return parse(RawMail("t", "INBOX", "1", raw))


def test_header_tokens_carry_routing_signal() -> None:
    raw = make_mail(
        subject="Re: schade",
        sender="Jan <jan@mail.vandam.nl>",
        to="Schade <schade@example-verzekeringen.nl>",
        headers={"Cc": "backoffice@example-verzekeringen.nl",
                 "List-Id": "Claims team <claims.example-verzekeringen.nl>",
                 "X-Mailer": "Microsoft Outlook 16.0",
                 "Delivered-To": "schade@example-verzekeringen.nl",
                 "Received": "from mx1.vandam.nl (mx1 [10.0.0.1]) by mail.example.nl"},
        attachments=[("foto.jpg", "image/jpeg", b"\xff\xd8\xff"),
                     ("rapport.pdf", "application/pdf", b"%PDF-1.4")],
    )
    tokens = set(meta_tokens(_parsed(raw)))
    assert "zfrom_jan_mail_vandam_nl" in tokens
    assert {"zfromdomain_mail_vandam_nl", "zfromdomain_vandam_nl"} <= tokens
    assert "zto_schade_example_verzekeringen_nl" in tokens
    assert "ztobox_schade" in tokens
    assert "zcc_backoffice_example_verzekeringen_nl" in tokens
    assert "zlist_claims_example_verzekeringen_nl" in tokens
    assert {"zattext_jpg", "zattext_pdf", "zatttype_application_pdf", "zhasatt"} <= tokens
    assert "zisreply" in tokens
    assert "zmailer_microsoft" in tokens
    assert "zh_list_id" in tokens
    assert "zdeliveredto_schade_example_verzekeringen_nl" in tokens
    assert {"zrelay_mx1_vandam_nl", "zrelay_mail_example_nl"} <= tokens


def test_document_views() -> None:
    raw = make_mail(subject="Fwd: Factuur 2026-0413",
                    body=f"{OWN_NL}\n\nMet vriendelijke groet,\nBoekhouding")
    words, meta, chars = document(_parsed(raw))
    assert chars == "Factuur 2026-0413"
    assert words.count("Factuur 2026-0413") == 2
    assert "Boekhouding" not in words
    assert "zisforward" in meta.split() and "znoatt" in meta.split()
    assert not [t for t in words.split() if t.startswith("z") and "_" in t]  # tokens apart


def test_every_list_header_names_the_list() -> None:
    raw = make_mail(headers={"Mailing-List": "list unison-announce@yahoogroups.com; contact "
                                             "unison-announce-owner@yahoogroups.com"})
    tokens = set(meta_tokens(_parsed(raw)))
    assert {"zlist_unison_announce_yahoogroups_com", "zhaslist_mailing_list"} <= tokens


def test_files_named_where_attachments_were_shown() -> None:
    raw = make_mail(body="Final version attached.\n\n - 288950_1.WPD\n"
                         "<<discussion draft.doc>>\n")
    meta = document(_parsed(raw))[1].split()
    assert {"zfileref", "zfileref_wpd", "zfileref_doc"} <= set(meta)
    plain = document(_parsed(make_mail(body="No files - just text.")))[1].split()
    assert "zfileref" not in plain


def test_lotus_notes_forward_history_is_cut():
    from mailroute.core.features import strip_quoted

    body = ("Vince, see below - can you look at the numbers before Friday?\n\n"
            "----- Forwarded by Jan Smit/NL/Acme on 03-11-2026 10:12 -----\n\n"
            "Shirley Crenshaw\n11/02/2026 04:15 PM\nTo: Vince Kaminski\n"
            "Subject: budget\nThe old thread text that should not count.\n")
    kept = strip_quoted(body)
    assert "can you look at the numbers" in kept
    assert "Forwarded by" not in kept and "old thread text" not in kept


_REF_PIECES = ["- ", " -\t", "-", "<<", ">>", "a", "verslag 2026", ".doc", ".pdf", ".x",
               " ", "\t", "\n", "\r\n", "<", "b.xlsx", "<<c.pptx>>", "\u2028"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_REF_PIECES), max_size=30).map("".join))
def test_file_refs_line_by_line_equal_the_multiline_pattern(text: str) -> None:
    assert file_refs(text) == _FILE_REF.findall(text)
