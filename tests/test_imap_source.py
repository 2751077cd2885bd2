"""The IMAP source against a real private Dovecot, through the real app, pipeline and daemon."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mailroute.adapters.checkpoints import get_checkpoint
from mailroute.adapters.store import Store
from mailroute.daemon import Daemon, process_available
from mailroute.errors import AuthError
from mailroute.wiring import App
from tests.conftest import make_mail, wait_for
from tests.dovecot import PASSWORD_ENV, Dovecot, imap_app, write_imap_project
from tests.test_pipeline import journal

INVOICES = "Finance.Invoices"  # Dovecot's maildir hierarchy delimiter is "."


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "secret")


@contextmanager
def running(app: App) -> Iterator[Daemon]:
    daemon = Daemon(app)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        yield daemon
    finally:
        daemon.stop.set()
        thread.join(15)
        assert not thread.is_alive(), "daemon did not stop"


def _ids(client, folder: str) -> list[str]:
    """Message-IDs in ``folder`` (a second, independent client's view)."""
    if not client.folder_exists(folder):
        return []
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    if not uids:
        return []
    data = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    return sorted(
        v[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip()
        for v in data.values()
    )


def _flags(client, folder: str) -> list[set[bytes]]:
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    return [set(v) for v in client.get_flags(uids).values()] if uids else []


def _value(app: App, name: str, **labels: str) -> float:
    return app.registry.get_sample_value(name, labels) or 0.0


def test_poll_routes_tags_and_checkpoints(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    user, _ = imap_user
    config = write_imap_project(tmp_path, dovecot, user)
    peer = dovecot.client(user)
    for mid, subject in (("<inv1@t>", "Factuur 1"), ("<inv2@t>", "Invoice 2"),
                         ("<keep1@t>", "Keep this"), ("<odd1@t>", "Something else")):
        peer.append("INBOX", make_mail(subject=subject, message_id=mid))

    app = imap_app(config, apps)
    assert process_available(app) == 4

    assert _ids(peer, INVOICES) == ["<inv1@t>", "<inv2@t>"]
    assert all(b"$Invoice" in f and b"\\Seen" not in f for f in _flags(peer, INVOICES))
    assert _ids(peer, "INBOX") == ["<keep1@t>"]
    assert [b"$Kept" in f for f in _flags(peer, "INBOX")] == [True]
    assert _ids(peer, "Exceptions") == ["<odd1@t>"]
    assert app.store.counts() == {"done": 3, "exception": 1}
    uidvalidity = peer.select_folder("INBOX")[b"UIDVALIDITY"]
    cp = get_checkpoint(app.store, "shared", "INBOX")
    assert (cp.uidvalidity, cp.last_uid) == (uidvalidity, 4)
    rows = app.store.decisions(mailbox="shared")
    assert {r["source_id"] for r in rows} == {f"{uidvalidity}:{n}" for n in (1, 2, 3, 4)}
    assert all(r["received_at"] for r in rows)

    # a restart re-reads nothing; only new mail is processed
    app.close()
    apps.remove(app)
    again = imap_app(config, apps)
    assert process_available(again) == 0
    peer.append("INBOX", make_mail(subject="Factuur 3", message_id="<inv3@t>"))
    assert process_available(again) == 1
    assert _ids(peer, INVOICES) == ["<inv1@t>", "<inv2@t>", "<inv3@t>"]
    assert again.store.counts() == {"done": 4, "exception": 1}
    assert _value(again, "mailroute_actions_total", mailbox="shared", action="move",
                  result="done") == 1


def test_idle_wakes_on_new_mail_and_other_folders_are_polled(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    user, _ = imap_user
    peer = dovecot.client(user)
    peer.create_folder("Intake")
    # a 60 s poll interval: only IDLE can pick the inbox mail up within the timeout below
    config = write_imap_project(tmp_path, dovecot, user, idle=True, poll_interval_seconds=60,
                                folders=["INBOX", "Intake"])
    app = imap_app(config, apps)
    with running(app) as daemon:
        assert wait_for(lambda: app.connected.get("shared"), timeout=10)
        started = time.monotonic()
        peer.append("INBOX", make_mail(subject="Factuur idle", message_id="<idle@t>"))
        assert wait_for(lambda: _ids(peer, INVOICES) == ["<idle@t>"], timeout=8)
        assert time.monotonic() - started < 5
        stopping = time.monotonic()
        daemon.stop.set()
    assert time.monotonic() - stopping < 3  # wait() noticed the stop event while in IDLE

    # second folder: polled between IDLEs (short poll interval now)
    config = write_imap_project(tmp_path, dovecot, user, idle=True, poll_interval_seconds=0.3,
                                folders=["INBOX", "Intake"])
    app = imap_app(config, apps)
    with running(app):
        assert wait_for(lambda: app.connected.get("shared"), timeout=10)
        peer.append("Intake", make_mail(subject="Invoice via poll", message_id="<poll@t>"))
        assert wait_for(lambda: "<poll@t>" in _ids(peer, INVOICES), timeout=8)
    assert _ids(peer, "Intake") == []


def test_uidvalidity_change_does_not_act_again(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    user, _ = imap_user
    peer = dovecot.client(user)
    peer.create_folder("Intake")
    mails = [make_mail(subject=f"Keep {n}", message_id=f"<uv{n}@t>") for n in range(2)]
    for data in mails:
        peer.append("Intake", data)
    config = write_imap_project(tmp_path, dovecot, user, folders=["Intake"])
    app = imap_app(config, apps)
    assert process_available(app) == 2
    old = get_checkpoint(app.store, "shared", "Intake").uidvalidity

    peer.delete_folder("Intake")  # the folder is rebuilt: same mail, new UIDVALIDITY
    peer.create_folder("Intake")
    for data in mails:
        peer.append("Intake", data)
    peer.append("Intake", make_mail(subject="Keep new", message_id="<uvnew@t>"))

    assert process_available(app) == 1  # only the new message reaches the pipeline
    new = peer.select_folder("Intake")[b"UIDVALIDITY"]
    assert new != old
    assert get_checkpoint(app.store, "shared", "Intake").uidvalidity == new
    assert get_checkpoint(app.store, "shared", "Intake").last_uid == 3
    rows = [r for r in app.store.decisions(mailbox="shared") if r["source_id"].startswith(
        f"{new}:")]
    assert len(rows) == 3
    again = [r for r in rows if "UIDVALIDITY changed" in (r["reason"] or "")]
    assert sorted(r["message_id"] for r in again) == ["<uv0@t>", "<uv1@t>"]
    assert all(r["actions"] == [] and r["status"] == "done" for r in again)
    flags = _flags(peer, "Intake")
    assert sum(b"$Kept" in f for f in flags) == 1  # only the new one was tagged


def test_server_killed_mid_run_loses_and_doubles_nothing(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    user, _ = imap_user
    peer = dovecot.client(user)
    total = 150
    mails = [make_mail(subject=f"Factuur {n}", message_id=f"<kill{n}@t>") for n in range(total)]
    peer.multiappend("INBOX", mails)
    peer.logout()
    config = write_imap_project(tmp_path, dovecot, user, idle=True, poll_interval_seconds=0.5)
    app = imap_app(config, apps)
    with running(app):
        assert wait_for(lambda: app.store.counts().get("done", 0) >= 5, timeout=10)
        dovecot.kill()
        at_kill = app.store.counts().get("done", 0)
        dovecot.start()
        assert at_kill < total, "all mail was routed before the kill: nothing was tested"
        peer = dovecot.client(user)
        assert wait_for(lambda: app.store.counts().get("done", 0) == total, timeout=30), \
            app.store.counts()
    ids = _ids(peer, INVOICES)
    assert len(ids) == total and len(set(ids)) == total  # nothing lost, nothing doubled
    assert _ids(peer, "INBOX") == []
    assert Store(app.config.store.path).counts() == {"done": total}  # the daemon closed its own
    assert _value(app, "mailroute_errors_total", mailbox="shared", stage="source") >= 1


def test_wrong_password_is_an_auth_error_and_counted(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, _ = imap_user
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    config = write_imap_project(tmp_path, dovecot, user)
    app = imap_app(config, apps)
    with pytest.raises(AuthError, match=rf"shared .*login refused for '{user}'"):
        app.sources[0].connect()
    with running(app):
        assert wait_for(lambda: _value(app, "mailroute_source_auth_failures_total",
                                       mailbox="shared") == 1, timeout=10)
        assert _value(app, "mailroute_source_up", mailbox="shared") == 0


def test_message_failing_every_time_ends_in_exceptions(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    user, _ = imap_user
    peer = dovecot.client(user)
    peer.append("INBOX", make_mail(subject="Unfilable thing", message_id="<bad@t>"))
    peer.append("INBOX", make_mail(subject="Factuur ok", message_id="<ok@t>"))
    config = write_imap_project(tmp_path, dovecot, user, idle=True, poll_interval_seconds=60)
    app = imap_app(config, apps)

    # first attempt fails: the message stays, the checkpoint stays below it
    assert process_available(app) == 2
    assert _ids(peer, "INBOX") == ["<bad@t>"]
    assert get_checkpoint(app.store, "shared", "INBOX").last_uid == 0
    # the daemon retries it when due (backoff 0), even while waiting in IDLE
    with running(app):
        assert wait_for(lambda: app.store.counts().get("exception") == 1, timeout=10)
    assert _ids(peer, "Exceptions") == ["<bad@t>"]
    store = Store(app.config.store.path)  # the daemon closed the app's own
    row = next(r for r in store.decisions(mailbox="shared") if r["status"] == "exception")
    assert row["attempts"] == 2
    assert "cannot create folder '~Nowhere'" in row["last_error"]
    assert [(a["kind"], a["state"]) for a in row["actions"]] == [
        ("move", "failed"), ("exceptions", "done")]
    assert get_checkpoint(store, "shared", "INBOX").last_uid == 2


def _journal_then_crash(config: Path, apps: list[App]) -> None:
    """A run that journalled its decisions for the whole inbox and died before acting."""
    app = imap_app(config, apps)
    source = app.sources[0]
    source.connect()
    for raw in list(source.fetch()):
        journal(app, raw)
    app.close()
    apps.remove(app)


def test_move_cut_short_by_a_server_crash_is_finished_not_redone(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    """Dovecot's MOVE is copy-then-expunge: killed in between, the message is in both
    folders. The retry must remove the original, not copy it a second time."""
    user, _ = imap_user
    peer = dovecot.client(user)
    peer.create_folder(INVOICES)
    peer.append("INBOX", make_mail(subject="Factuur half moved", message_id="<half@t>"))
    config = write_imap_project(tmp_path, dovecot, user)

    _journal_then_crash(config, apps)
    peer.select_folder("INBOX")
    peer.add_flags([1], [b"$Invoice"])
    peer.copy([1], INVOICES)  # the copy landed; the expunge never happened

    app = imap_app(config, apps)
    process_available(app)
    assert _ids(peer, INVOICES) == ["<half@t>"]  # once, not twice
    assert _ids(peer, "INBOX") == []
    (row,) = app.store.decisions(mailbox="shared")
    assert row["status"] == "done"
    assert [(a["kind"], a["state"]) for a in row["actions"]] == [("tag", "done"),
                                                                 ("move", "done")]


def test_journalled_move_done_out_of_band_is_not_redone(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    user, _ = imap_user
    peer = dovecot.client(user)
    peer.create_folder(INVOICES)
    peer.append("INBOX", make_mail(subject="Factuur moved", message_id="<moved@t>"))
    peer.append("INBOX", make_mail(subject="Factuur tagged", message_id="<tagged@t>"))
    config = write_imap_project(tmp_path, dovecot, user)

    # a run that crashed right after journalling its decisions (nothing acted on yet)
    _journal_then_crash(config, apps)
    # ... and the server had done part of it: one message moved, the other only tagged
    peer.select_folder("INBOX")
    peer.add_flags([1], [b"$Invoice"])
    peer.move([1], INVOICES)
    peer.add_flags([2], [b"$Invoice"])

    app = imap_app(config, apps)
    process_available(app)
    assert _ids(peer, INVOICES) == ["<moved@t>", "<tagged@t>"]  # once each
    assert _ids(peer, "INBOX") == []
    rows = {r["message_id"]: r for r in app.store.decisions(mailbox="shared")}
    assert rows["<moved@t>"]["status"] == "done"
    assert [(a["kind"], a["state"], a["result"]) for a in rows["<moved@t>"]["actions"]] == [
        ("tag", "skipped", None), ("move", "done", "reconciled after restart")]
    assert [(a["kind"], a["state"], a["result"]) for a in rows["<tagged@t>"]["actions"]] == [
        ("tag", "done", "reconciled: already done"), ("move", "done", f"moved to {INVOICES}")]
    assert _value(app, "mailroute_actions_total", mailbox="shared", action="tag",
                  result="reconciled") == 1


@pytest.mark.parametrize("mode", ["implicit", "starttls", "xoauth2-command", "xoauth2-file"])
def test_tls_modes_and_xoauth2(
    mode: str, dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    user, _ = imap_user
    dovecot.client(user).append("INBOX", make_mail(subject="Factuur tls", message_id="<t@t>"))
    options: dict = {"ca_file": str(dovecot.cert)}
    if mode == "implicit":
        options.update(tls="implicit", port=dovecot.ssl_port)
    elif mode == "starttls":
        options.update(tls="starttls")
    else:
        token = tmp_path / "token"
        token.write_text("secret\n")  # Dovecot's xoauth2 checks the token like a password
        oauth2 = ({"token_command": ["cat", str(token)]} if mode == "xoauth2-command"
                  else {"token_file": str(token)})
        options.update(tls="implicit", port=dovecot.ssl_port, password=None, oauth2=oauth2)
    app = imap_app(write_imap_project(tmp_path, dovecot, user, **options), apps)
    assert process_available(app) == 1
    assert app.store.counts() == {"done": 1}
    if mode.startswith("xoauth2"):
        token.write_text("expired\n")  # re-read on every connect
        app.sources[0].close()
        with pytest.raises(AuthError, match="login refused"):
            app.sources[0].connect()


def test_mark_seen_sets_seen_and_default_does_not(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, apps: list[App]
) -> None:
    user, _ = imap_user
    peer = dovecot.client(user)
    peer.append("INBOX", make_mail(subject="Keep unread", message_id="<unread@t>"))
    assert process_available(imap_app(write_imap_project(tmp_path / "a", dovecot, user), apps)) == 1
    assert [b"\\Seen" in f for f in _flags(peer, "INBOX")] == [False]
    peer.append("INBOX", make_mail(subject="Keep read", message_id="<read@t>"))
    config = write_imap_project(tmp_path / "b", dovecot, user, mark_seen=True)
    assert process_available(imap_app(config, apps)) == 2  # a new store: both are new to it
    assert [b"\\Seen" in f for f in _flags(peer, "INBOX")] == [True, True]


def test_unreachable_server_is_a_source_error_naming_it(
    tmp_path: Path, apps: list[App], dovecot: Dovecot
) -> None:
    from mailroute.errors import SourceError
    from tests.dovecot import free_port

    port = free_port()  # nothing listens here
    app = imap_app(write_imap_project(tmp_path, dovecot, "nobody", port=port), apps)
    with pytest.raises(SourceError, match=rf"mailbox shared \(127.0.0.1:{port}\): cannot connect"):
        app.sources[0].connect()
