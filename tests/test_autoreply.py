"""RFC 3834 checks: who may get an automatic reply, and to which address (pure function)."""

from __future__ import annotations

import pytest

from mailroute.core.autoreply import check, is_no_reply, reply_address
from mailroute.core.message import RawMail
from mailroute.core.parse import parse
from tests.conftest import make_mail

OWN = {"triage@example-verzekeringen.nl", "schade@example-verzekeringen.nl"}
CUSTOMER = "Jan Jansen <jan.jansen@gmail.com>"


def message(sender: str = CUSTOMER, headers: dict[str, str] | None = None, raw: bytes = b""):
    data = raw or make_mail(subject="Schademelding", body="Mijn auto is beschadigd.",
                            sender=sender, headers=headers)
    return parse(RawMail("sample", "INBOX", "1", data))


REPORT = (
    b"From: Mail Delivery System <mailer@mx.example.net>\r\n"
    b"To: triage@example-verzekeringen.nl\r\n"
    b"Subject: Undelivered Mail Returned to Sender\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
    b"--b1\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
    b"--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
    b"--b1--\r\n"
)


@pytest.mark.parametrize(
    ("sender", "headers", "allowed", "reason_part"),
    [
        # allowed: to the Return-Path; without one, to From
        (CUSTOMER, {}, True, "reply to jan.jansen@gmail.com (From (no Return-Path))"),
        (CUSTOMER, {"Return-Path": "<jan.jansen@gmail.com>"}, True, "(Return-Path)"),
        (CUSTOMER, {"Auto-Submitted": "no"}, True, "reply to"),
        (CUSTOMER, {"Auto-Submitted": "No"}, True, "reply to"),
        (CUSTOMER, {"Precedence": "first-class"}, True, "reply to"),
        # null sender: a bounce or another auto-reply
        (CUSTOMER, {"Return-Path": "<>"}, False, "null sender"),
        # already automatic
        (CUSTOMER, {"Auto-Submitted": "auto-replied"}, False, "Auto-Submitted: auto-replied"),
        (CUSTOMER, {"Auto-Submitted": "auto-generated"}, False, "Auto-Submitted: auto-generated"),
        (CUSTOMER, {"Auto-Submitted": "auto-notified; owner-email=x@y.nl"}, False,
         "Auto-Submitted: auto-notified"),
        (CUSTOMER, {"X-Autoreply": "yes"}, False, "X-Autoreply"),
        (CUSTOMER, {"X-Auto-Response-Suppress": "DR, AutoReply"}, False,
         "X-Auto-Response-Suppress"),
        # lists and bulk
        (CUSTOMER, {"List-Id": "<klanten.lists.example.nl>"}, False, "mailing-list"),
        (CUSTOMER, {"List-Unsubscribe": "<mailto:leave@example.nl>"}, False, "mailing-list"),
        (CUSTOMER, {"Precedence": "bulk"}, False, "Precedence: bulk"),
        (CUSTOMER, {"Precedence": "list"}, False, "Precedence: list"),
        (CUSTOMER, {"Precedence": "junk"}, False, "Precedence: junk"),
        # bounces
        ("MAILER-DAEMON@mx.example.net", {}, False, "a bounce"),
        ("Postmaster <postmaster@example.net>", {}, False, "a bounce"),
        (CUSTOMER, {"X-Failed-Recipients": "x@example.nl"}, False, "bounce"),
        # ourselves: a loop
        ("triage@example-verzekeringen.nl", {}, False, "own addresses"),
        (CUSTOMER, {"Return-Path": "<SCHADE@example-verzekeringen.nl>"}, False, "own addresses"),
        # no-reply addresses, however spelt
        ("noreply@bank.example.nl", {}, False, "no-reply address"),
        ("No-Reply <no-reply@bank.example.nl>", {}, False, "no-reply address"),
        ("donotreply@bank.example.nl", {}, False, "no-reply address"),
        ("do-not-reply@bank.example.nl", {}, False, "no-reply address"),
        ("no_reply+1234@bank.example.nl", {}, False, "no-reply address"),
        ("noreply-notifications@bank.example.nl", {}, False, "no-reply address"),
        (CUSTOMER, {"Return-Path": "<noreply@mailer.example.nl>"}, False, "no-reply address"),
        # an unusable reply address
        (CUSTOMER, {"Return-Path": "<not-an-address>"}, False, "not a valid e-mail address"),
    ],
)
def test_check_table(sender, headers, allowed, reason_part):
    ok, reason = check(message(sender, headers), OWN)
    assert ok is allowed, reason
    assert reason_part in reason


def test_bounce_report_is_refused():
    ok, reason = check(message(raw=REPORT), OWN)
    assert not ok
    assert "multipart/report" in reason


def test_reply_goes_to_return_path_never_reply_to():
    msg = message(headers={"Return-Path": "<jan+bounces@gmail.com>",
                           "Reply-To": "someone.else@example.org"})
    assert reply_address(msg) == "jan+bounces@gmail.com"
    ok, reason = check(msg, OWN)
    assert ok and "jan+bounces@gmail.com" in reason


def test_reply_to_is_ignored_without_return_path_too():
    msg = message(headers={"Reply-To": "someone.else@example.org"})
    assert reply_address(msg) == "jan.jansen@gmail.com"


def test_require_return_path():
    msg = message()
    ok, reason = check(msg, OWN, require_return_path=True)
    assert not ok and "no Return-Path" in reason
    assert reply_address(msg, require_return_path=True) == ""
    with_path = message(headers={"Return-Path": "<jan.jansen@gmail.com>"})
    assert check(with_path, OWN, require_return_path=True)[0]


def test_topmost_return_path_wins():
    raw = b"Return-Path: <first@example.nl>\r\nReturn-Path: <second@example.nl>\r\n" + make_mail()
    assert reply_address(message(raw=raw)) == "first@example.nl"


def test_no_from_and_no_return_path():
    raw = b"To: triage@example.nl\r\nSubject: hoi\r\n\r\nHallo\r\n"
    ok, reason = check(message(raw=raw), OWN)
    assert not ok and "no Return-Path or From" in reason


@pytest.mark.parametrize(
    ("address", "expected"),
    [("noreply@x.nl", True), ("NoReply@x.nl", True), ("do.not.reply@x.nl", True),
     ("mailer-daemon@x.nl", True), ("postmaster@x.nl", True), ("jan@x.nl", False),
     ("reply@x.nl", False), ("norma@x.nl", False)],
)
def test_is_no_reply(address, expected):
    assert is_no_reply(address) is expected
