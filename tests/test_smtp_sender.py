"""The outbox sender against a real SMTP server on loopback (aiosmtpd), with the real pipeline.

Rules here match on the subject, so no classifier is needed; the shipped rules and model
are used by the end-to-end test in test_smtp_e2e.py.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from mailroute.adapters.sources.maildir import deliver
from mailroute.config import load_config
from mailroute.core.compose import crlf
from mailroute.daemon import Daemon
from mailroute.errors import ConfigError
from mailroute.wiring import App, build_app
from tests.conftest import REPO, make_mail, wait_for
from tests.smtp_server import SmtpServer

FROM = "triage@example-verzekeringen.nl"
CUSTOMER = "Jan Jansen <jan.jansen@gmail.com>"

RULES = """
[[rule]]
name = "fwd-attach"
when = { subject = "^Doorsturen bijlage" }
actions = [{ forward = ["team@example.nl"], mode = "attachment" }, { move = "Done" }]

[[rule]]
name = "fwd-inline"
when = { subject = "^Doorsturen inline" }
actions = [{ forward = ["team@example.nl", "chef@example.nl"], mode = "inline" },
           { move = "Done" }]

[[rule]]
name = "ack"
when = { subject = "^Melding" }
actions = [{ tag = "melding" }, { reply = "ack" }, { move = "Done" }]

[[rule]]
name = "default"
default = true
actions = [{ exceptions = "no rule" }]
"""

TEMPLATE = """Subject: Ontvangen: {{ subject }}

Beste {{ sender_name or "klant" }},

Uw bericht is ontvangen (regel {{ rule }}, mailbox {{ mailbox }}).
"""


class Clock:
    """An injectable clock: the sender's idea of now, moved on by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def write_project(root: Path, port: int, smtp_extra: str = "") -> Path:
    (root / "rules" / "templates").mkdir(parents=True, exist_ok=True)
    (root / "rules" / "10-test.toml").write_text(RULES, encoding="utf-8")
    (root / "rules" / "templates" / "ack.txt.j2").write_text(TEMPLATE, encoding="utf-8")
    (root / "models").mkdir(exist_ok=True)
    config = root / "config.toml"
    config.write_text(f"""
[daemon]
retry_backoff_seconds = 0

[store]
path = "var/mailroute.db"

[classifier]
models_dir = "models"

[rules]
dir = "rules"
reload_interval_seconds = 0

[metrics]
enabled = false

[smtp]
enabled = true
host = "127.0.0.1"
port = {port}
tls = "plain"
from_address = "{FROM}"
timeout_seconds = 5
retry_backoff_seconds = 10
poll_interval_seconds = 0.05
{smtp_extra}

[[mailboxes]]
type = "maildir"
name = "sample"
path = "var/maildir"
poll_interval_seconds = 0.05
""", encoding="utf-8")
    return config


class Project:
    """A private config, rules, Maildir and store, wired by the real build_app."""

    def __init__(self, root: Path, port: int, smtp_extra: str = ""):
        self.root = root
        self.config_path = write_project(root, port, smtp_extra)
        self.clock = Clock()
        self.app = self.build()

    def build(self) -> App:
        app = build_app(load_config(self.config_path), CollectorRegistry())
        assert app.sender is not None
        app.sender.clock = self.clock
        return app

    def deliver(self, **mail) -> bytes:
        data = make_mail(**mail)
        deliver(self.root / "var" / "maildir", data)
        return data

    def queue(self) -> int:
        """Run the pipeline over the inbox: sends end up queued, not sent."""
        daemon = Daemon(self.app)
        return sum(daemon.run_once(source) for source in self.app.sources)

    def send(self) -> dict[str, int]:
        return self.app.sender.run_once()

    def sends(self) -> list[dict]:
        return list(self.app.store.db.query(
            "SELECT * FROM actions WHERE kind IN ('forward', 'reply') ORDER BY id"))

    def metric(self, name: str, **labels: str) -> float:
        return self.app.registry.get_sample_value(name, labels) or 0.0


@pytest.fixture
def project(tmp_path: Path, smtpd: SmtpServer):
    proj = Project(tmp_path, smtpd.port)
    yield proj
    proj.app.close()


def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


# -- forwards ---------------------------------------------------------------------------------

def test_forward_as_attachment_delivers_the_original_unchanged(project, smtpd):
    original = project.deliver(subject="Doorsturen bijlage: polis 123", sender=CUSTOMER,
                               attachments=[("scan.pdf", "application/pdf", b"%PDF-1.4 x")])
    project.queue()
    assert [a["state"] for a in project.sends()] == ["queued"]
    assert smtpd.messages == []  # the pipeline only queues
    assert project.send() == {"sent": 1}
    [got] = smtpd.messages
    assert got.mail_from == FROM
    assert got.rcpt_tos == ("team@example.nl",)
    msg = parsed(got.data)
    assert msg["Subject"] == "Fwd: Doorsturen bijlage: polis 123"
    assert msg["X-Mailroute-Rule"] == "fwd-attach"
    assert msg["X-Mailroute-Mailbox"] == "sample"
    assert msg["X-Mailroute-Message-Id"] == parsed(original)["Message-ID"]
    # the attached part holds the original byte for byte (CRLF, as SMTP carries it)
    start = got.data.index(b"\r\n\r\n", got.data.index(b"Content-Type: message/rfc822")) + 4
    end = got.data.rindex(b"\r\n--mailroute-")
    assert got.data[start:end] == crlf(original)
    [row] = project.sends()
    assert row["state"] == "done"
    assert row["attempts"] == 1
    assert "sent to team@example.nl: 250" in row["result"]
    assert project.metric("mailroute_sends_total", mailbox="sample", kind="forward",
                          result="sent") == 1
    assert project.send() == {}  # never twice
    assert len(smtpd.messages) == 1


def test_forward_inline_to_two_recipients(project, smtpd):
    project.deliver(subject="Doorsturen inline: vraag", body="Kunt u mij terugbellen?",
                    sender=CUSTOMER)
    project.queue()
    assert project.send() == {"sent": 1}
    [got] = smtpd.messages
    assert got.rcpt_tos == ("team@example.nl", "chef@example.nl")
    msg = parsed(got.data)
    assert msg["To"] == "team@example.nl, chef@example.nl"
    body = msg.get_body(("plain",)).get_content()
    assert "---------- Forwarded message ----------" in body
    assert "Kunt u mij terugbellen?" in body
    assert "Rule:       fwd-inline" in body


def test_refused_recipient_sends_to_nobody(project, smtpd):
    smtpd.recorder.refuse_rcpt["chef@example.nl"] = "550 5.1.1 no such user"
    project.deliver(subject="Doorsturen inline: vraag", sender=CUSTOMER)
    project.queue()
    assert project.send() == {"retry": 1}
    assert smtpd.messages == []  # not to team@ either: a retry must not send it twice
    [row] = project.sends()
    assert row["state"] == "queued"
    assert "chef@example.nl: 550 5.1.1 no such user" in row["error"]


# -- replies ----------------------------------------------------------------------------------

def test_reply_to_return_path_with_rfc3834_headers(project, smtpd):
    original = project.deliver(subject="Melding schade", sender=CUSTOMER,
                               message_id="<m1@gmail.com>",
                               headers={"Return-Path": "<jan.jansen+bounce@gmail.com>",
                                        "Reply-To": "iemand.anders@example.org"})
    project.queue()
    assert project.send() == {"sent": 1}
    [got] = smtpd.messages
    assert got.mail_from == "<>"  # the null sender, as aiosmtpd records it
    assert got.rcpt_tos == ("jan.jansen+bounce@gmail.com",)
    msg = parsed(got.data)
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["In-Reply-To"] == "<m1@gmail.com>"
    assert msg["References"] == "<m1@gmail.com>"
    assert msg["Subject"] == "Ontvangen: Melding schade"
    assert msg["From"] == FROM
    assert msg["To"] == "jan.jansen+bounce@gmail.com"
    text = msg.get_content().replace("\r\n", "\n")
    assert text.startswith(
        "Beste Jan Jansen,\n\nUw bericht is ontvangen (regel ack, mailbox sample)")
    replies = list(project.app.store.db.query("SELECT * FROM replies"))
    assert [(r["mailbox"], r["recipient"]) for r in replies] == [
        ("sample", "jan.jansen+bounce@gmail.com")]
    assert original  # delivered bytes were used


@pytest.mark.parametrize(("headers", "sender", "reason"), [
    ({"Precedence": "bulk"}, CUSTOMER, "Precedence: bulk"),
    ({"Auto-Submitted": "auto-replied"}, CUSTOMER, "Auto-Submitted: auto-replied"),
    ({"Return-Path": "<>"}, CUSTOMER, "null sender"),
    ({}, "no-reply@bank.example.nl", "no-reply address"),
    ({}, FROM, "own addresses"),
])
def test_refused_reply_is_skipped_with_reason(project, smtpd, headers, sender, reason):
    project.deliver(subject="Melding schade", sender=sender, headers=headers)
    project.queue()
    assert project.send() == {"skipped": 1}
    [row] = project.sends()
    assert row["state"] == "skipped"
    assert reason in row["result"]
    assert smtpd.messages == []
    assert project.metric("mailroute_sends_total", mailbox="sample", kind="reply",
                          result="skipped") == 1


def test_one_reply_per_recipient_per_period(project, smtpd):
    project.deliver(subject="Melding 1", sender=CUSTOMER)
    project.deliver(subject="Melding 2", sender="JAN.JANSEN@gmail.com")
    project.deliver(subject="Melding 3", sender="piet@example.org")
    project.queue()
    assert project.send() == {"sent": 2, "skipped": 1}
    assert sorted(m.rcpt_tos[0] for m in smtpd.messages) == [
        "jan.jansen@gmail.com", "piet@example.org"]
    skipped = [a for a in project.sends() if a["state"] == "skipped"]
    assert "already auto-replied to jan.jansen@gmail.com" in skipped[0]["result"]
    project.clock.advance(hours=23)
    project.deliver(subject="Melding 4", sender=CUSTOMER)
    project.queue()
    assert project.send() == {"skipped": 1}
    project.clock.advance(hours=1, seconds=1)  # 24 h after the first reply
    project.deliver(subject="Melding 5", sender=CUSTOMER)
    project.queue()
    assert project.send() == {"sent": 1}
    assert len(smtpd.messages) == 3


# -- limits, failures, crashes ----------------------------------------------------------------

def test_per_hour_cap_holds_the_rest_for_the_next_hour(tmp_path, smtpd):
    proj = Project(tmp_path, smtpd.port, "max_per_hour = 2")
    try:
        for n in range(3):
            proj.deliver(subject=f"Doorsturen bijlage {n}")
        proj.queue()
        assert proj.send() == {"sent": 2, "deferred": 1}
        assert [a["state"] for a in proj.sends()] == ["done", "done", "queued"]
        assert proj.metric("mailroute_send_rate_limited_total", mailbox="sample") == 1
        assert proj.metric("mailroute_outbox_queued_messages", mailbox="sample") == 1
        proj.clock.advance(minutes=59)
        assert proj.send() == {"deferred": 1}
        proj.clock.advance(minutes=1, seconds=1)
        assert proj.send() == {"sent": 1}
        assert len(smtpd.messages) == 3
        assert proj.metric("mailroute_outbox_queued_messages", mailbox="sample") == 0
    finally:
        proj.app.close()


def test_server_down_then_up_delivers_later(tmp_path, smtp_port):
    proj = Project(tmp_path, smtp_port)
    server = SmtpServer(smtp_port)
    try:
        proj.deliver(subject="Doorsturen bijlage: offline")
        proj.queue()
        assert proj.send() == {}  # nothing listening
        [row] = proj.sends()
        assert (row["state"], row["attempts"]) == ("queued", 0)  # an outage costs no attempt
        assert proj.metric("mailroute_smtp_up") == 0
        server.start()
        assert proj.send() == {}  # still backing off from the outage
        proj.clock.advance(seconds=11)
        assert proj.send() == {"sent": 1}
        assert len(server.messages) == 1
        assert proj.metric("mailroute_smtp_up") == 1
    finally:
        server.stop()
        proj.app.close()


def test_permanent_failure_ends_failed_after_max_attempts(tmp_path, smtpd):
    proj = Project(tmp_path, smtpd.port, "max_attempts = 3")
    smtpd.recorder.data_reply = "554 5.7.1 message rejected"
    try:
        proj.deliver(subject="Doorsturen bijlage: geweigerd")
        proj.queue()
        assert proj.send() == {"retry": 1}
        assert proj.send() == {}  # not due before the back-off
        proj.clock.advance(seconds=10)
        assert proj.send() == {"retry": 1}
        proj.clock.advance(seconds=19)
        assert proj.send() == {}  # the second back-off is 20 s
        proj.clock.advance(seconds=1)
        assert proj.send() == {"failed": 1}
        [row] = proj.sends()
        assert row["state"] == "failed"
        assert row["attempts"] == 3
        assert row["error"] == (
            "gave up after 3 attempt(s): message refused: 554 5.7.1 message rejected")
        proj.clock.advance(days=2)
        assert proj.send() == {}  # final
        assert proj.metric("mailroute_sends_total", mailbox="sample", kind="forward",
                           result="retry") == 2
        assert proj.metric("mailroute_sends_total", mailbox="sample", kind="forward",
                           result="failed") == 1
    finally:
        proj.app.close()


def test_lost_confirmation_is_uncertain_and_not_resent(tmp_path, smtpd):
    proj = Project(tmp_path, smtpd.port, "")
    # the server confirms after 1.5 s; the sender stops waiting after 0.3 s
    text = proj.config_path.read_text().replace("timeout_seconds = 5", "timeout_seconds = 0.3")
    proj.config_path.write_text(text)
    proj.app.close()
    proj.app = proj.build()
    smtpd.recorder.stall_seconds = 1.5
    try:
        proj.deliver(subject="Doorsturen bijlage: traag")
        proj.queue()
        assert proj.send() == {"uncertain": 1}
        [row] = proj.sends()
        assert row["state"] == "uncertain"
        assert "may have been delivered" in row["error"]
        assert smtpd.recorder.data_count == 1  # the server had the whole message
        proj.clock.advance(days=1)
        assert proj.send() == {}
        assert smtpd.recorder.data_count == 1  # and was not given it again
    finally:
        proj.app.close()


CRASHER = """
import sys
from prometheus_client import CollectorRegistry
from mailroute.config import load_config
from mailroute.wiring import build_app
app = build_app(load_config(sys.argv[1]), CollectorRegistry())
app.sender.run_once()
"""


def test_crash_mid_transaction_is_marked_uncertain_at_start(project, smtpd):
    """A sender killed during the SMTP transaction leaves 'sending'; the next start marks it
    'uncertain' for a human and does not send it again (never act twice)."""
    smtpd.recorder.stall_seconds = 3
    project.deliver(subject="Doorsturen bijlage: crash")
    project.queue()
    child = subprocess.Popen([sys.executable, "-c", CRASHER, str(project.config_path)],
                             cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert smtpd.recorder.data_started.wait(20), "the child never reached DATA"
        assert [a["state"] for a in project.sends()] == ["sending"]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    restarted = project.build()
    try:
        assert restarted.sender.recover() == 1
        [row] = project.sends()
        assert row["state"] == "uncertain"
        assert "not resent automatically" in row["error"]
        assert restarted.sender.run_once() == {}
        assert restarted.registry.get_sample_value(
            "mailroute_sends_total",
            {"mailbox": "sample", "kind": "forward", "result": "uncertain"}) == 1
    finally:
        restarted.close()


def test_pipeline_retry_does_not_requeue_a_failed_send(tmp_path, smtpd):
    """A message whose move failed is retried; its forward, which the sender already gave
    up on, stays 'failed' instead of being queued (and sent) again."""
    proj = Project(tmp_path, smtpd.port, "max_attempts = 1")
    smtpd.recorder.data_reply = "554 no"
    blocker = tmp_path / "var" / "maildir" / ".Done"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")  # makes the move fail
    try:
        proj.deliver(subject="Doorsturen bijlage: retry")
        proj.queue()
        assert proj.send() == {"failed": 1}
        blocker.unlink()
        proj.queue()  # the retry: move done now
        status = proj.app.store.db.execute("SELECT status FROM messages").fetchone()[0]
        assert status == "done"
        assert [a["state"] for a in proj.sends()] == ["failed"]
        assert proj.send() == {}
    finally:
        proj.app.close()


def test_daemon_runs_the_sender_in_its_own_thread(project, smtpd):
    stop = threading.Event()
    daemon = Daemon(project.app, stop)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        project.deliver(subject="Melding via daemon", sender=CUSTOMER)
        assert wait_for(lambda: smtpd.messages, timeout=15)
        assert smtpd.messages[0].rcpt_tos == ("jan.jansen@gmail.com",)
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()


# -- config -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("extra", "message"), [
    ('host = "mail.example.nl"\n', 'tls = "plain" is only allowed to a loopback host'),
    ('from_addresses = { other = "x@example.nl" }\n', "smtp.from_addresses.other: no mailbox"),
    ('username = "triage"\n', "username and password go together"),
    ('password = "geheim"\n', "secrets may not be written in the config file"),
    ('from_addresses = { sample = "geen adres" }\n', "is not an e-mail address"),
    ("max_per_hour = 0\n", "max_per_hour"),
    ("bogus = 1\n", "smtp.bogus: unknown key"),
    ('ca_file = "certs/ca.pem"\n', "ca_file: give an absolute path"),
])
def test_config_errors_name_the_key(tmp_path, extra, message):
    config = write_project(tmp_path, 2525)
    text = config.read_text().replace('host = "127.0.0.1"\n', "")
    config.write_text(text.replace("[smtp]\n", "[smtp]\n" + extra))
    with pytest.raises(ConfigError, match=message):
        load_config(config)


def test_enabled_needs_from_address_and_password_must_resolve(tmp_path, monkeypatch):
    config = write_project(tmp_path, 2525)
    text = config.read_text()
    config.write_text(text.replace(f'from_address = "{FROM}"\n', ""))
    with pytest.raises(ConfigError, match="from_address: required when enabled"):
        load_config(config)
    monkeypatch.delenv("MR_TEST_SMTP_PW", raising=False)
    config.write_text(text.replace(
        "[smtp]\n", '[smtp]\nusername = "triage"\npassword = { env = "MR_TEST_SMTP_PW" }\n'))
    with pytest.raises(ConfigError, match=r"smtp\.password: environment variable MR_TEST_SMTP_PW"):
        build_app(load_config(config), CollectorRegistry())


def test_disabled_by_default(tmp_path):
    config = write_project(tmp_path, 2525)
    config.write_text(config.read_text().replace("enabled = true\nhost", "enabled = false\nhost"))
    app = build_app(load_config(config), CollectorRegistry())
    try:
        assert app.sender is None
        assert load_config(config).smtp.enabled is False
    finally:
        app.close()


def test_template_error_is_retried_and_names_the_file(project, smtpd):
    template = project.root / "rules" / "templates" / "ack.txt.j2"
    project.deliver(subject="Melding schade", sender=CUSTOMER)
    project.queue()
    good = template.read_text()
    template.write_text("Beste {{ naam }},\n")  # an admin's typo after the rule was checked
    assert project.send() == {"retry": 1}
    [row] = project.sends()
    assert row["state"] == "queued"
    assert "ack.txt.j2" in row["error"] and "naam" in row["error"]
    template.write_text(good)
    project.clock.advance(seconds=10)
    assert project.send() == {"sent": 1}
    assert len(smtpd.messages) == 1
