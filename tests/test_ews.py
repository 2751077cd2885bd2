"""The EWS source end to end: the real pipeline and exchangelib against a loopback EWS responder."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from mailroute.adapters.checkpoints import get_checkpoint
from mailroute.config import load_config
from mailroute.daemon import process_available
from mailroute.errors import AuthError, ConfigError, SourceError
from mailroute.wiring import App, build_app

from . import exchange_helpers as helpers
from .conftest import make_mail
from .ews_server import EwsServer
from .exchange_helpers import mailbox_statuses, model_free_project, restart

MAILBOX = "claims-ews"
# Rules that route on the subject, so these tests do not depend on the sample model.
RULES = """
[[rule]]
name = "exchange-invoice"
when = { subject = "^EXCHANGE-INVOICE" }
actions = [{ tag = "invoice" }, { tag = "$flagged" }, { move = "Finance/Invoices" }]

[[rule]]
name = "exchange-claim"
when = { subject = "^EXCHANGE-CLAIM" }
actions = [{ tag = "claim" }, { reply = "claim-received" }, { move = "Claims" }]
"""
UNPARSEABLE = b"\r\n\r\n"  # no headers, no body: nothing a parser can use


def invoice() -> bytes:
    return make_mail(subject="EXCHANGE-INVOICE 2026-0413")


def claim() -> bytes:
    return make_mail(subject="EXCHANGE-CLAIM schade 77", body="Mijn auto is beschadigd.")


@pytest.fixture
def ews() -> Iterator[EwsServer]:
    server = EwsServer().start()
    yield server
    server.stop()


def write_config(project: Path, mailbox: str, name: str = "ews.toml") -> Path:
    return helpers.write_config(project, mailbox, name)


def ews_mailbox(server: EwsServer, **extra: str | None) -> str:
    """A ``[[mailboxes]]`` table for the responder; ``key=None`` leaves a key out."""
    lines = {
        "type": '"ews"', "name": f'"{MAILBOX}"', "service_endpoint": f'"{server.endpoint}"',
        "auth_type": '"basic"', "username": '"svc-mailroute"',
        "password": '{ env = "MAILROUTE_TEST_EWS_PASSWORD" }',
        "primary_smtp_address": '"schade@example-verzekeringen.nl"',
        "server_version": '"15.1.2507.6"', "poll_interval_seconds": "0.1",
        "max_throttle_wait_seconds": "5", **extra,
    }
    return "[[mailboxes]]\n" + "".join(f"{k} = {v}\n" for k, v in lines.items() if v)


@pytest.fixture
def ews_project(tmp_path: Path) -> Path:
    return model_free_project(tmp_path, RULES)


@pytest.fixture
def ews_app(ews_project: Path, ews: EwsServer,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., App]]:
    monkeypatch.setenv("MAILROUTE_TEST_EWS_PASSWORD", "s3cret")
    apps: list[App] = []

    def build(**extra: str | None) -> App:
        path = write_config(ews_project, ews_mailbox(ews, **extra))
        apps.append(build_app(load_config(path), CollectorRegistry()))
        return apps[-1]

    yield build
    for app in apps:
        app.close()


def statuses(app: App) -> list[str]:
    return mailbox_statuses(app, MAILBOX)


def test_first_sync_routes_tags_and_hands_unparseable_mail_to_a_human(ews, ews_app):
    ews.state.deliver(invoice())
    ews.state.deliver(claim())
    ews.state.deliver(UNPARSEABLE)
    app = ews_app()

    assert process_available(app) == 3

    invoices = ews.state.in_folder("Finance/Invoices")
    claims = ews.state.in_folder("Claims")
    assert [(i.categories, i.flag) for i in invoices] == [(["invoice"], 2)]  # 2 = flagged
    assert [(i.categories, i.flag) for i in claims] == [(["claim"], None)]
    assert len(ews.state.in_folder("Exceptions")) == 1
    assert ews.state.in_folder("inbox") == []
    rows = {r["rule"]: r for r in app.store.decisions(mailbox=MAILBOX, limit=None)}
    assert rows["exchange-invoice"]["status"] == "done"
    assert rows["exchange-claim"]["status"] == "done"
    junk = next(r for r in rows.values() if r["status"] == "exception")
    assert junk["exception_code"] == "unparseable"
    assert "empty message" in junk["defects"]  # the parse problem is recorded for the audit
    # the claim's acknowledgement is queued for the SMTP sender, not sent through EWS
    assert [a["kind"] for a in app.store.queued_actions(["reply"])] == ["reply"]
    assert get_checkpoint(app.store, MAILBOX, "inbox").state == "S3"


def test_incremental_sync_and_restart_do_not_process_a_message_twice(ews, ews_app):
    ews.state.deliver(invoice())
    first = ews_app()
    assert process_available(first) == 1

    ews.state.deliver(claim())
    before = len(ews.state.ops)
    assert process_available(first) == 1
    new_ops = ews.state.ops[before:]
    assert new_ops.count("SyncFolderItems") == 1
    assert new_ops.count("MoveItem") == 1  # only the new message moved
    assert statuses(first) == ["done", "done"]

    restarted = restart(first)
    assert process_available(restarted) == 0
    assert ews.state.ops.count("MoveItem") == 2


def test_a_round_cut_short_is_replayed_without_acting_twice(ews, ews_app):
    ews.state.deliver(invoice())
    ews.state.deliver(claim())
    app = ews_app()
    source = app.sources[0]
    source.connect()
    round_ = source.fetch()
    app.pipeline.process(next(round_), source)  # then the process dies mid-round
    round_.close()
    assert get_checkpoint(app.store, MAILBOX, "inbox").state == ""  # not moved on

    restarted = restart(app)
    assert process_available(restarted) == 1
    assert ews.state.ops.count("MoveItem") == 2
    assert statuses(restarted) == ["done", "done"]


def test_the_sync_state_is_stored_only_after_the_batch_is_handled(ews, ews_app):
    ews.state.deliver(invoice())
    ews.state.deliver(claim())
    helpers.check_sync_state_waits_for_the_batch(ews_app(), MAILBOX)


def test_a_move_done_before_a_crash_is_reconciled_not_repeated(ews, ews_app):
    ews.state.deliver(invoice())
    app = ews_app()
    assert process_available(app) == 1
    # Simulate a crash between MoveItem and marking it done in the journal.
    with app.store.transaction() as db:
        db.execute("UPDATE actions SET state='intended' WHERE kind='move'")
        db.execute("UPDATE messages SET status='pending', finished_at=NULL")

    restarted = restart(app)
    process_available(restarted)
    assert ews.state.ops.count("MoveItem") == 1
    row = restarted.store.decisions(mailbox=MAILBOX)[0]
    assert row["status"] == "done"
    move = next(a for a in row["actions"] if a["kind"] == "move")
    assert move["state"] == "done" and "reconciled" in move["result"]
    assert len(ews.state.in_folder("Finance/Invoices")) == 1


def test_a_failed_move_is_retried_by_id_once_due(ews, ews_app):
    ews.state.deliver(invoice())
    ews.state.fail["MoveItem"] = "ErrorMoveCopyFailed"
    app = ews_app()
    process_available(app)
    row = app.store.decisions(mailbox=MAILBOX)[0]
    assert row["status"] == "failed" and "ErrorMoveCopyFailed" in row["last_error"]

    del ews.state.fail["MoveItem"]
    # SyncFolderItems will not report the message again: the retry comes from the store.
    process_available(app)
    assert statuses(app) == ["done"]
    assert [i.categories for i in ews.state.in_folder("Finance/Invoices")] == [["invoice"]]


def test_server_busy_is_waited_out_as_the_server_asks(ews, ews_app):
    ews.state.deliver(invoice())
    ews.state.busy, ews.state.busy_ms = 2, 200
    app = ews_app()
    started = time.monotonic()
    assert process_available(app) == 1
    assert time.monotonic() - started >= 0.4  # two back-offs of 200 ms
    assert statuses(app) == ["done"]
    labels = {"mailbox": MAILBOX}
    assert app.registry.get_sample_value("mailroute_source_throttled_total", labels) == 2
    assert app.registry.get_sample_value(
        "mailroute_source_throttle_wait_seconds_total", labels) == pytest.approx(0.4)


def test_throttling_beyond_the_bounds_becomes_a_source_error(ews, ews_app):
    ews.state.deliver(invoice())
    ews.state.busy, ews.state.busy_ms = 100, 600_000  # asks for 10 minutes, we allow 5 s
    app = ews_app()
    started = time.monotonic()
    with pytest.raises(SourceError, match="server busy"):
        process_available(app)
    assert time.monotonic() - started < 5
    assert statuses(app) == []


def test_wrong_password_is_an_auth_error_naming_the_mailbox(ews, ews_app, monkeypatch):
    monkeypatch.setenv("MAILROUTE_TEST_EWS_PASSWORD", "wrong")
    app = ews_app()
    with pytest.raises(AuthError, match=f"mailbox {MAILBOX}.*UnauthorizedError"):
        process_available(app)


def test_missing_password_variable_is_an_auth_error_naming_it(ews, ews_app, monkeypatch):
    app = ews_app()
    monkeypatch.delenv("MAILROUTE_TEST_EWS_PASSWORD")
    with pytest.raises(AuthError, match="MAILROUTE_TEST_EWS_PASSWORD is not set"):
        process_available(app)


def test_unreachable_server_is_a_source_error(ews, ews_app):
    app = ews_app(service_endpoint='"http://127.0.0.1:9/EWS/Exchange.asmx"')
    with pytest.raises(SourceError, match="cannot reach"):
        process_available(app)


def test_without_a_configured_version_exchangelib_probes_it_first(ews, ews_app):
    ews.state.deliver(invoice())
    app = ews_app(server_version=None)
    assert process_available(app) == 1
    assert ews.state.ops[0] == "ConvertId"  # exchangelib's version probe
    assert statuses(app) == ["done"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"password": '"plain"'}, "secrets may not be written in the config file"),
        ({"send_via": '"graph"'}, "send_via: Input should be 'smtp' or 'ews'"),
        ({"service_endpoint": '"ftp://x"'}, r"service_endpoint must be an http\(s\) URL"),
        ({"folders": '["../x"]'}, "must be a relative folder path"),
        ({"acces_type": '"delegate"'}, "acces_type: unknown key"),
    ],
)
def test_config_mistakes_name_the_key(ews_project, ews, extra, message):
    path = write_config(ews_project, ews_mailbox(ews, **extra))
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_the_daemon_picks_up_new_mail_while_running(ews, ews_app):
    from mailroute.daemon import Daemon

    from .conftest import wait_for

    app = ews_app()
    daemon = Daemon(app)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: app.connected.get(MAILBOX), timeout=10)
        ews.state.deliver(invoice())
        assert wait_for(lambda: statuses(app) == ["done"], timeout=10)
        assert len(ews.state.in_folder("Finance/Invoices")) == 1
    finally:
        daemon.stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_missing_watched_folder_is_a_source_error_naming_it(ews, ews_app):
    app = ews_app(folders='["inbox", "Intake/NL"]')
    with pytest.raises(SourceError, match="folder 'Intake/NL' does not exist"):
        process_available(app)


def test_a_second_watched_folder_is_read_with_its_own_checkpoint(ews, ews_app):
    intake = ews.state.add_folder("Intake", ews.state.distinguished("msgfolderroot").id)
    ews.state.deliver(invoice(), "Intake")
    ews.state.deliver(claim())
    app = ews_app(folders='["inbox", "Intake"]')
    assert process_available(app) == 2
    assert statuses(app) == ["done", "done"]
    assert get_checkpoint(app.store, MAILBOX, "Intake").state == "S1"
    assert get_checkpoint(app.store, MAILBOX, "inbox").state == "S2"
    assert not [i for i in ews.state.items.values() if i.folder == intake.id]
