"""Forwards and auto-replies sent through the mailbox's own Exchange API (``send_via``):
the real pipeline and sender, exchangelib / msal + requests, against the loopback EWS and
Graph responders. Each test runs for both APIs."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from mailroute.config import load_config
from mailroute.daemon import Daemon
from mailroute.errors import ConfigError
from mailroute.wiring import App, build_app

from .conftest import REPO, make_mail
from .ews_server import EwsServer
from .graph_server import GraphServer

SHARED = "schade@example-verzekeringen.nl"
CUSTOMER = "Jan Jansen <jan.jansen@gmail.com>"
TEAM = "team@example.nl"
RULES = f"""
[[rule]]
name = "exchange-claim"
when = {{ subject = "^EXCHANGE-CLAIM" }}
actions = [{{ tag = "claim" }}, {{ reply = "claim-received" }}, {{ move = "Claims" }}]

[[rule]]
name = "exchange-forward"
when = {{ subject = "^EXCHANGE-FORWARD" }}
actions = [{{ forward = ["{TEAM}"], mode = "attachment" }}, {{ move = "Forwarded" }}]
"""


def claim(**headers: str) -> bytes:
    return make_mail(subject="EXCHANGE-CLAIM schade 77", body="Mijn auto is beschadigd.",
                     sender=CUSTOMER, to=SHARED, headers=headers)


def forward_me() -> bytes:
    return make_mail(subject="EXCHANGE-FORWARD polis 123", sender=CUSTOMER, to=SHARED)


def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


class Clock:
    """The sender's idea of now, moved on by the test (route back-off, retries)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class Api:
    """One Exchange responder and a project whose only mailbox sends through it."""

    def __init__(self, kind: str, root: Path, monkeypatch: pytest.MonkeyPatch):
        self.kind = kind
        self.root = root
        self.name = f"claims-{kind}"
        self.apps: list[App] = []
        shutil.copytree(REPO / "rules", root / "rules")
        (root / "rules" / "05-exchange.toml").write_text(RULES, encoding="utf-8")
        if kind == "ews":
            self.ews = EwsServer().start()
            monkeypatch.setenv("MAILROUTE_TEST_EWS_PASSWORD", "s3cret")
        else:
            self.graph = GraphServer(root, mailbox=SHARED).start()
            monkeypatch.setenv("MAILROUTE_TEST_GRAPH_SECRET", "graph-s3cret")

    def mailbox(self, **extra: str | None) -> str:
        if self.kind == "ews":
            lines = {
                "type": '"ews"', "service_endpoint": f'"{self.ews.endpoint}"',
                "auth_type": '"basic"', "username": '"svc-mailroute"',
                "password": '{ env = "MAILROUTE_TEST_EWS_PASSWORD" }',
                "primary_smtp_address": f'"{SHARED}"', "server_version": '"15.1.2507.6"',
                "send_via": '"ews"',
            }
        else:
            url = self.graph.url
            lines = {
                "type": '"graph"', "tenant_id": '"contoso-tenant"', "client_id": '"app-1234"',
                "client_secret": '{ env = "MAILROUTE_TEST_GRAPH_SECRET" }',
                "mailbox": f'"{SHARED}"', "authority": f'"{url}"',
                "graph_url": f'"{url}/v1.0"', "ca_bundle": f'"{self.graph.ca_bundle}"',
                "send_via": '"graph"',
            }
        lines = {"name": f'"{self.name}"', **lines, "poll_interval_seconds": "0.1",
                 "max_throttle_wait_seconds": "5", **extra}
        return "[[mailboxes]]\n" + "".join(f"{k} = {v}\n" for k, v in lines.items() if v)

    def config_path(self, smtp: str = "", **extra: str | None) -> Path:
        text = (REPO / "config.toml").read_text(encoding="utf-8").replace("port = 9464",
                                                                           "port = 0")
        head = re.sub(r"(?m)^retry_backoff_seconds\s*=\s*[\d.]+", "retry_backoff_seconds = 0",
                      text.split("[[mailboxes]]")[0])
        path = self.root / "config.toml"
        path.write_text(head + smtp + "\n" + self.mailbox(**extra), encoding="utf-8")
        return path

    def app(self, smtp: str = "", **extra: str | None) -> App:
        app = build_app(load_config(self.config_path(smtp, **extra)), CollectorRegistry())
        self.apps.append(app)
        assert app.sender is not None
        app.sender.clock = Clock()
        return app

    def deliver(self, mime: bytes) -> None:
        (self.ews if self.kind == "ews" else self.graph).state.deliver(mime)

    # what the server saw and holds

    def sent(self) -> list[bytes]:
        if self.kind == "ews":
            return [s.mime for s in self.ews.state.sent]
        return list(self.graph.state.sent)

    def sent_items(self) -> list[bytes]:
        if self.kind == "ews":
            folder = self.ews.state.distinguished("sentitems").id
            return [i.mime for i in self.ews.state.items.values() if i.folder == folder]
        folder = self.graph.state.well_known("sentitems").id
        return [m.mime for m in self.graph.state.messages.values() if m.folder == folder]

    def send_calls(self) -> int:
        if self.kind == "ews":
            return self.ews.state.ops.count("CreateItem")
        return self.graph.state.requests.count("POST /sendMail")

    # failure switches

    def throttle_send(self, times: int) -> None:
        if self.kind == "ews":
            self.ews.state.busy, self.ews.state.busy_op = times, "CreateItem"
            self.ews.state.busy_ms = 300
        else:
            self.graph.state.throttle, self.graph.state.throttle_path = times, "/sendMail"
            self.graph.state.retry_after = "0.3"

    def revoke(self, revoked: bool = True) -> None:
        if self.kind == "ews":
            self.ews.state.password = "changed" if revoked else "s3cret"
        else:
            self.graph.state.revoked = revoked

    def refuse_next_send(self) -> None:
        if self.kind == "ews":
            self.ews.state.fail["CreateItem"] = "ErrorInvalidRecipients"
        else:
            self.graph.state.send_error = 400

    def deny_send_as(self) -> None:
        if self.kind == "ews":
            self.ews.state.fail["CreateItem"] = "ErrorSendAsDenied"
        else:
            self.graph.state.send_error = 403

    def lose_next_answer(self) -> None:
        (self.ews if self.kind == "ews" else self.graph).state.drop_next = 1

    def close(self) -> None:
        for app in self.apps:
            app.close()
        (self.ews if self.kind == "ews" else self.graph).stop()


@pytest.fixture(params=["ews", "graph"])
def api(request: pytest.FixtureRequest, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    harness = Api(request.param, tmp_path, monkeypatch)
    yield harness
    harness.close()


def queue(app: App) -> int:
    """Run the pipeline over the mailbox: sends end up queued, not sent."""
    daemon = Daemon(app)
    return sum(daemon.run_once(source) for source in app.sources)


def sends(app: App) -> list[dict]:
    return list(app.store.db.query(
        "SELECT * FROM actions WHERE kind IN ('forward', 'reply') ORDER BY id"))


def metric(app: App, name: str, **labels: str) -> float:
    return app.registry.get_sample_value(name, labels) or 0.0


# -- delivered -------------------------------------------------------------------------------

def test_reply_and_forward_go_out_from_the_shared_mailbox_with_a_copy_in_sent_items(api):
    api.deliver(claim())
    api.deliver(forward_me())
    app = api.app()
    assert queue(app) == 2
    assert [s["state"] for s in sends(app)] == ["queued", "queued"]
    assert api.sent() == []  # the pipeline only queues

    assert app.sender.run_once() == {"sent": 2}

    reply, forward = (parsed(m) for m in api.sent())
    assert reply["From"] == SHARED and forward["From"] == SHARED
    assert reply["To"] == "jan.jansen@gmail.com"
    assert reply["Subject"] == "Re: EXCHANGE-CLAIM schade 77"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["X-Mailroute-Rule"] == "exchange-claim"
    assert reply["X-Mailroute-Mailbox"] == api.name
    assert forward["To"] == TEAM
    assert forward["Subject"] == "Fwd: EXCHANGE-FORWARD polis 123"
    assert forward["Auto-Submitted"] == "auto-generated"
    attached = next(p for p in forward.iter_attachments()
                    if p.get_content_type() == "message/rfc822")
    assert attached.get_content()["Subject"] == "EXCHANGE-FORWARD polis 123"
    assert sorted(api.sent_items()) == sorted(api.sent())  # copies in its Sent Items
    if api.kind == "ews":
        sent_items = api.ews.state.distinguished("sentitems").id
        assert [(s.disposition, s.saved_folder, s.saved_mailbox)
                for s in api.ews.state.sent] == [("SendAndSaveCopy", sent_items, SHARED)] * 2
    rows = sends(app)
    assert [r["state"] for r in rows] == ["done", "done"]
    assert all(r["attempts"] == 1 for r in rows)
    assert "sent to jan.jansen@gmail.com" in rows[0]["result"]
    assert metric(app, "mailroute_sends_total", mailbox=api.name, kind="reply",
                  result="sent") == 1
    assert metric(app, "mailroute_send_transport_up",
                  transport=f"{api.kind}:{api.name}") == 1

    assert app.sender.run_once() == {}  # never twice
    assert api.send_calls() == 2


def test_rfc3834_refusals_and_the_once_per_period_rule_are_recorded_as_skipped(api):
    api.deliver(claim(**{"Auto-Submitted": "auto-replied"}))  # an autoresponder's answer
    api.deliver(claim())
    api.deliver(claim())  # the same customer again within reply_period_hours
    app = api.app()
    assert queue(app) == 3

    assert app.sender.run_once() == {"skipped": 2, "sent": 1}

    rows = sends(app)
    assert [r["state"] for r in rows] == ["skipped", "done", "skipped"]
    assert "Auto-Submitted" in rows[0]["result"]
    assert "already auto-replied to jan.jansen@gmail.com" in rows[2]["result"]
    assert api.send_calls() == 1


def test_a_reply_to_the_shared_mailbox_itself_is_skipped(api):
    api.deliver(make_mail(subject="EXCHANGE-CLAIM loop", sender=SHARED, to=SHARED))
    app = api.app()
    queue(app)
    assert app.sender.run_once() == {"skipped": 1}
    assert api.send_calls() == 0


# -- failures --------------------------------------------------------------------------------

def test_a_throttled_send_is_retried_after_the_servers_hint_and_sent_once(api):
    api.deliver(claim())
    app = api.app()
    queue(app)
    api.throttle_send(1)

    assert app.sender.run_once() == {"sent": 1}

    assert api.send_calls() == 2  # the refused call, then the one that went through
    assert len(api.sent()) == 1
    assert sends(app)[0]["attempts"] == 1
    assert metric(app, "mailroute_source_throttled_total", mailbox=api.name) == 1


def test_refused_credentials_leave_the_send_queued_until_they_work_again(api):
    api.deliver(claim())
    app = api.app()
    queue(app)
    api.revoke()

    assert app.sender.run_once() == {}

    [row] = sends(app)
    assert (row["state"], row["attempts"]) == ("queued", 0)  # no attempt was counted
    assert metric(app, "mailroute_send_transport_up", transport=f"{api.kind}:{api.name}") == 0
    assert api.name in app.sender.last_error
    assert app.sender.run_once() == {}  # the route backs off: not even tried
    api.revoke(False)
    app.sender.clock.now += timedelta(minutes=2)

    assert app.sender.run_once() == {"sent": 1}
    assert len(api.sent()) == 1
    assert app.sender.last_error == ""


def test_an_unreachable_server_leaves_the_send_queued_without_an_attempt(api):
    api.deliver(claim())
    app = api.app()
    queue(app)
    (api.ews if api.kind == "ews" else api.graph).stop()  # connections are refused now

    assert app.sender.run_once() == {}

    [row] = sends(app)
    assert (row["state"], row["attempts"]) == ("queued", 0)
    assert metric(app, "mailroute_send_transport_up", transport=f"{api.kind}:{api.name}") == 0
    assert api.sent() == []


def test_send_as_refused_at_send_time_keeps_the_send_queued_without_an_attempt(api):
    api.deliver(claim())
    app = api.app()
    queue(app)
    api.deny_send_as()

    assert app.sender.run_once() == {}

    [row] = sends(app)
    assert (row["state"], row["attempts"]) == ("queued", 0)
    assert "nothing sent" in row["error"]
    reply_slots = app.store.db.execute("SELECT COUNT(*) FROM replies").fetchone()[0]
    assert reply_slots == 0  # the once-per-period slot was given back
    assert metric(app, "mailroute_send_transport_up", transport=f"{api.kind}:{api.name}") == 0


def test_a_send_the_server_refuses_is_retried_then_failed_after_max_attempts(api):
    api.deliver(forward_me())
    app = api.app(smtp="[smtp]\nmax_attempts = 2\nretry_backoff_seconds = 60\n")
    queue(app)
    api.refuse_next_send()

    assert app.sender.run_once() == {"retry": 1}
    [row] = sends(app)
    assert (row["state"], row["attempts"]) == ("queued", 1)
    assert ("ErrorInvalidRecipients" if api.kind == "ews" else "HTTP 400") in row["error"]
    assert app.sender.run_once() == {}  # its retry is not due yet
    app.sender.clock.now += timedelta(minutes=2)
    api.refuse_next_send()

    assert app.sender.run_once() == {"failed": 1}
    [row] = sends(app)
    assert row["state"] == "failed" and row["error"].startswith("gave up after 2 attempt(s)")
    assert api.sent() == []


def test_an_answer_lost_after_the_request_went_out_is_uncertain_and_never_resent(api):
    api.deliver(claim())
    app = api.app()
    queue(app)
    api.lose_next_answer()

    assert app.sender.run_once() == {"uncertain": 1}

    [row] = sends(app)
    assert row["state"] == "uncertain" and "may have been sent" in row["error"]
    assert len(api.sent()) == 1  # it did go out
    app.sender.clock.now += timedelta(days=1)
    assert app.sender.run_once() == {}
    assert api.send_calls() == 1


def test_a_send_interrupted_by_a_crash_is_marked_uncertain_not_repeated(api):
    api.deliver(claim())
    app = api.app()
    queue(app)
    with app.store.transaction() as db:  # the process died during the API call
        db.execute("UPDATE actions SET state='sending' WHERE kind='reply'")

    assert app.sender.recover() == 1
    assert app.sender.run_once() == {}
    assert sends(app)[0]["state"] == "uncertain"
    assert api.send_calls() == 0


# -- config ----------------------------------------------------------------------------------

def test_send_via_runs_the_sender_without_smtp_and_smtp_mailboxes_keep_waiting(api):
    app = api.app()
    assert app.config.smtp.enabled is False
    assert app.sender is not None and app.sender.route(api.name).key == f"{api.kind}:{api.name}"
    assert app.sender.route("another-mailbox") is None  # SMTP off: its sends stay queued
    assert SHARED in app.sender.own

    smtp_only = build_app(load_config(api.config_path(send_via='"smtp"')), CollectorRegistry())
    api.apps.append(smtp_only)
    assert smtp_only.sender is None


def test_a_send_via_of_the_other_api_is_refused_naming_the_key(api):
    other = '"graph"' if api.kind == "ews" else '"ews"'
    with pytest.raises(ConfigError, match=f"send_via: Input should be .smtp. or .{api.kind}."):
        load_config(api.config_path(send_via=other))
