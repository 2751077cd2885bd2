"""The Graph source end to end: the real pipeline, msal and requests against a loopback
HTTPS Graph + token responder."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from mailroute.adapters.checkpoints import get_checkpoint
from mailroute.adapters.sources import graph as graph_module
from mailroute.adapters.store import utcnow
from mailroute.config import load_config
from mailroute.daemon import process_available
from mailroute.errors import AuthError, ConfigError, SourceError
from mailroute.wiring import App, build_app

from . import exchange_helpers as helpers
from .conftest import make_mail
from .exchange_helpers import mailbox_statuses, model_free_project, restart
from .graph_server import GraphServer

MAILBOX = "claims-graph"
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
def graph(tmp_path: Path) -> Iterator[GraphServer]:
    server = GraphServer(tmp_path).start()
    yield server
    server.stop()


def write_config(project: Path, mailbox: str, name: str = "graph.toml") -> Path:
    return helpers.write_config(project, mailbox, name)


def graph_mailbox(server: GraphServer, **extra: str | None) -> str:
    """A ``[[mailboxes]]`` table for the responder; ``key=None`` leaves a key out."""
    lines = {
        "type": '"graph"', "name": f'"{MAILBOX}"', "tenant_id": '"contoso-tenant"',
        "client_id": '"app-1234"', "client_secret": '{ env = "MAILROUTE_TEST_GRAPH_SECRET" }',
        "mailbox": '"claims@contoso.example"', "authority": f'"{server.url}"',
        "graph_url": f'"{server.url}/v1.0"', "ca_bundle": f'"{server.ca_bundle}"',
        "poll_interval_seconds": "0.1", "max_throttle_wait_seconds": "5", **extra,
    }
    return "[[mailboxes]]\n" + "".join(f"{k} = {v}\n" for k, v in lines.items() if v)


@pytest.fixture
def graph_project(tmp_path: Path) -> Path:
    return model_free_project(tmp_path, RULES)


@pytest.fixture
def graph_app(graph_project: Path, graph: GraphServer,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., App]]:
    monkeypatch.setenv("MAILROUTE_TEST_GRAPH_SECRET", "graph-s3cret")
    apps: list[App] = []

    def build(**extra: str | None) -> App:
        path = write_config(graph_project, graph_mailbox(graph, **extra))
        apps.append(build_app(load_config(path), CollectorRegistry()))
        return apps[-1]

    yield build
    for app in apps:
        app.close()


def statuses(app: App) -> list[str]:
    return mailbox_statuses(app, MAILBOX)


def moves(graph: GraphServer) -> int:
    return sum(1 for r in graph.state.requests if r.endswith("/move"))


def test_first_sync_routes_tags_and_hands_unparseable_mail_to_a_human(graph, graph_app):
    sent = [graph.state.deliver(invoice()), graph.state.deliver(claim()),
            graph.state.deliver(UNPARSEABLE)]
    app = graph_app()

    assert process_available(app) == 3

    invoices = graph.state.in_folder("Finance/Invoices")
    claims = graph.state.in_folder("Claims")
    assert [(m.categories, m.flag) for m in invoices] == [(["invoice"], "flagged")]
    assert [(m.categories, m.flag) for m in claims] == [(["claim"], "notFlagged")]
    assert len(graph.state.in_folder("Exceptions")) == 1
    assert graph.state.in_folder("inbox") == []
    # immutable ids were asked for: the moved messages kept their ids
    assert {m.id for m in graph.state.messages.values()} == {m.id for m in sent}
    rows = {r["rule"]: r for r in app.store.decisions(mailbox=MAILBOX, limit=None)}
    assert rows["exchange-invoice"]["status"] == "done"
    assert rows["exchange-claim"]["status"] == "done"
    junk = next(r for r in rows.values() if r["status"] == "exception")
    assert junk["exception_code"] == "unparseable"
    assert "empty message" in junk["defects"]
    assert [a["kind"] for a in app.store.queued_actions(["reply"])] == ["reply"]
    assert "/messages/delta?$deltatoken=" in get_checkpoint(app.store, MAILBOX, "inbox").state
    assert graph.state.token_requests == 1  # the token is cached across calls


def test_delta_pages_incremental_sync_and_restart_process_each_message_once(
        graph, graph_app, monkeypatch):
    monkeypatch.setattr(graph_module, "PAGE_SIZE", 2)  # make the responder page (nextLink)
    for _ in range(3):
        graph.state.deliver(invoice())
    app = graph_app()
    assert process_available(app) == 3
    # 3 messages in pages of 2: the first delta call, then its nextLink
    assert sum(r.endswith("/messages/delta") for r in graph.state.requests) == 2

    graph.state.deliver(claim())
    before = len(graph.state.requests)
    assert process_available(app) == 1  # categories set on the others were not "new"
    new = graph.state.requests[before:]
    assert sum(r.endswith("/$value") for r in new) == 1
    assert statuses(app) == ["done"] * 4

    restarted = restart(app)
    assert process_available(restarted) == 0
    assert moves(graph) == 4


def test_an_expired_delta_link_starts_over_without_acting_twice(graph, graph_app):
    graph.state.deliver(invoice())
    app = graph_app()
    assert process_available(app) == 1
    graph.state.deliver(claim())
    graph.state.expire_deltas = True
    assert process_available(app) == 1
    assert not graph.state.expire_deltas  # the 410 was served (and answered by a full round)
    assert moves(graph) == 2
    assert statuses(app) == ["done", "done"]


def test_a_round_cut_short_is_replayed_without_acting_twice(graph, graph_app):
    graph.state.deliver(invoice())
    graph.state.deliver(claim())
    app = graph_app()
    source = app.sources[0]
    source.connect()
    round_ = source.fetch()
    app.pipeline.process(next(round_), source)  # then the process dies mid-round
    round_.close()
    assert get_checkpoint(app.store, MAILBOX, "inbox").state == ""

    restarted = restart(app)
    assert process_available(restarted) == 1
    assert moves(graph) == 2
    assert statuses(restarted) == ["done", "done"]


def test_the_sync_state_is_stored_only_after_the_batch_is_handled(graph, graph_app):
    graph.state.deliver(invoice())
    graph.state.deliver(claim())
    helpers.check_sync_state_waits_for_the_batch(graph_app(), MAILBOX)


def test_a_move_done_before_a_crash_is_reconciled_not_repeated(graph, graph_app):
    graph.state.deliver(invoice())
    app = graph_app()
    assert process_available(app) == 1
    with app.store.transaction() as db:  # a crash between the move and the journal update
        db.execute("UPDATE actions SET state='intended' WHERE kind='move'")
        db.execute("UPDATE messages SET status='pending', finished_at=NULL")

    restarted = restart(app)
    process_available(restarted)
    assert moves(graph) == 1
    row = restarted.store.decisions(mailbox=MAILBOX)[0]
    assert row["status"] == "done"
    move = next(a for a in row["actions"] if a["kind"] == "move")
    assert move["state"] == "done" and "reconciled" in move["result"]


def test_429_is_retried_after_the_servers_retry_after(graph, graph_app):
    graph.state.deliver(invoice())
    app = graph_app()
    graph.state.throttle, graph.state.retry_after = 1, "1"
    started = time.monotonic()
    assert process_available(app) == 1
    assert time.monotonic() - started >= 1.0
    assert statuses(app) == ["done"]
    labels = {"mailbox": MAILBOX}
    assert app.registry.get_sample_value("mailroute_source_throttled_total", labels) == 1
    assert app.registry.get_sample_value(
        "mailroute_source_throttle_wait_seconds_total", labels) == 1.0


def test_a_retry_after_beyond_the_bound_becomes_a_source_error(graph, graph_app):
    graph.state.deliver(invoice())
    app = graph_app()
    graph.state.throttle, graph.state.retry_after = 100, "3600"
    started = time.monotonic()
    with pytest.raises(SourceError, match="server busy"):
        process_available(app)
    assert time.monotonic() - started < 5
    assert statuses(app) == []


def test_a_wrong_client_secret_is_an_auth_error(graph, graph_app, monkeypatch):
    monkeypatch.setenv("MAILROUTE_TEST_GRAPH_SECRET", "wrong")
    app = graph_app()
    with pytest.raises(AuthError, match=f"mailbox {MAILBOX}: token refused: invalid_client"):
        process_available(app)


def test_a_token_refused_by_graph_is_an_auth_error_after_one_fresh_token(graph, graph_app):
    graph.state.deliver(invoice())
    app = graph_app()
    source = app.sources[0]
    source.connect()
    graph.state.revoked = True
    with pytest.raises(AuthError, match="HTTP 401 InvalidAuthenticationToken"):
        list(source.fetch())
    assert graph.state.token_requests == 2  # one fresh token was tried before giving up


def test_without_ca_bundle_a_self_signed_server_is_refused(graph, graph_app):
    # REQUESTS_CA_BUNDLE may be set in the environment; ca_bundle must still be what counts
    app = graph_app(ca_bundle=None)
    with pytest.raises(SourceError, match="unreachable"):
        process_available(app)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"client_secret": '"plain"'}, "secrets may not be written in the config file"),
        ({"client_secret": None}, "give exactly one of client_secret"),
        ({"certificate_file": '"/x.pem"'}, "give exactly one of client_secret"),
        ({"graph_url": '"http://graph"'}, "graph_url must be an https:// URL"),
        ({"mailbox": '"not-an-address"'}, "mailbox: String should match pattern"),
    ],
)
def test_config_mistakes_name_the_key(graph_project, graph, extra, message):
    path = write_config(graph_project, graph_mailbox(graph, **extra))
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_the_daemon_picks_up_new_mail_while_running(graph, graph_app):
    from mailroute.daemon import Daemon

    from .conftest import wait_for

    app = graph_app()
    daemon = Daemon(app)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: app.connected.get(MAILBOX), timeout=10)
        graph.state.deliver(invoice())
        assert wait_for(lambda: statuses(app) == ["done"], timeout=10)
        assert len(graph.state.in_folder("Finance/Invoices")) == 1
    finally:
        daemon.stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_missing_watched_folder_is_a_source_error_naming_it(graph, graph_app):
    app = graph_app(folders='["inbox", "Intake/NL"]')
    with pytest.raises(SourceError, match="folder 'Intake/NL' does not exist"):
        process_available(app)


def test_a_failed_message_a_person_moved_away_is_not_chased(graph, graph_app):
    message = graph.state.deliver(invoice())
    app = graph_app()
    source = app.sources[0]
    source.connect()
    [raw] = list(source.fetch())
    claimed = app.store.claim(raw)  # an attempt that failed; its retry is due now
    app.store.fail(claimed.pk, "server went away", retry_at=utcnow())
    # a person files the message by hand before the retry (ids are immutable in Graph)
    top = graph.state.well_known("msgfolderroot")
    message.folder = graph.state.add_folder("Handled by hand", top.id).id

    assert list(source.fetch()) == []
    assert sum(r.endswith("/$value") for r in graph.state.requests) == 1
