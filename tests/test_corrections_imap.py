"""Human corrections noticed in routed IMAP folders: private Dovecot, the real app and daemon."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from mailroute.adapters.correction_watch import category_folders
from mailroute.adapters.model_files import load_model
from mailroute.config import load_config
from mailroute.core.parse import parse
from mailroute.core.rules import compile_rules
from mailroute.daemon import Daemon, process_available
from mailroute.errors import ConfigError
from mailroute.wiring import App
from tests.conftest import SAMPLES, wait_for
from tests.dovecot import PASSWORD_ENV, Dovecot, imap_app, write_imap_project

INVOICES, CLAIMS = "Finance.Invoices", "Claims"  # Dovecot's hierarchy delimiter is "."

RULES = """\
[[rule]]
name = "invoice"
when = { category = "invoice" }
actions = [{ tag = "invoice" }, { move = "Finance/Invoices" }]

[[rule]]
name = "claim"
when = { category = "claim" }
actions = [{ tag = "claim" }, { move = "Claims" }]

[[rule]]
name = "default"
default = true
actions = [{ exceptions = "no rule for this category" }]
"""


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "secret")


@pytest.fixture(scope="module")
def samples(models_dir: Path) -> dict[str, bytes]:
    """Per label, a sample message the sample model labels right (so routing is known)."""
    model, _ = load_model(models_dir)
    from mailroute.adapters.corpus import load_labelled

    out: dict[str, bytes] = {}
    for label, raw in load_labelled(SAMPLES / "corpus"):
        if label not in out and parse(raw).message_id and \
                model.classify(parse(raw)).label == label:
            out[label] = raw.data
    return out


def _project(root: Path, dovecot: Dovecot, user: str, models_dir: Path, **corrections) -> Path:
    config = write_imap_project(root, dovecot, user, corrections=corrections or {"enabled": True})
    (root / "rules" / "10-test.toml").write_text(RULES)
    shutil.copytree(models_dir, root / "models")
    text = config.read_text().replace('models_dir = "models"',
                                      'models_dir = "models"\nthreshold = 0.0')
    config.write_text(text)
    return config


def _move(client, source: str, message_id: str, target: str) -> None:
    """What a person does in a mail client: move one message to another folder."""
    client.select_folder(source)
    uids = client.search(["HEADER", "Message-ID", message_id])
    assert len(uids) == 1, (source, message_id, uids)
    if not client.folder_exists(target):
        client.create_folder(target)
    client.move(uids, target)


def _corrections(app: App) -> list[dict]:
    return list(app.store.db.query(
        "SELECT c.message, c.predicted, c.corrected, c.source, c.who, m.message_id "
        "FROM corrections c JOIN messages m ON m.id = c.message ORDER BY c.id"))


def _mid(raw: bytes) -> str:
    from mailroute.core.message import RawMail

    return parse(RawMail("x", "INBOX", "1", raw)).message_id


def test_moved_message_is_one_correction(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, models_dir: Path,
    samples: dict[str, bytes], apps: list[App],
) -> None:
    user, _ = imap_user
    config = _project(tmp_path, dovecot, user, models_dir)
    peer = dovecot.client(user)
    peer.append("INBOX", samples["invoice"])
    peer.append("INBOX", samples["claim"])
    invoice, claim = _mid(samples["invoice"]), _mid(samples["claim"])

    app = imap_app(config, apps)
    assert process_available(app) == 2  # routes both; the watcher then sees only its own moves
    assert app.store.counts() == {"done": 2}
    assert _corrections(app) == []

    # a person decides the "invoice" is a claim
    _move(peer, INVOICES, invoice, CLAIMS)
    found = app.watchers[0].scan()
    assert [(c.predicted, c.corrected) for c in found] == [("invoice", "claim")]
    rows = _corrections(app)
    assert len(rows) == 1
    assert rows[0]["message_id"] == invoice
    assert (rows[0]["predicted"], rows[0]["corrected"]) == ("invoice", "claim")
    assert (rows[0]["source"], rows[0]["who"]) == (f"imap:{CLAIMS}", user)

    # looking again, or after a restart, records nothing new
    assert app.watchers[0].scan() == []
    app.close()
    apps.remove(app)
    again = imap_app(config, apps)
    assert process_available(again) == 0
    assert len(_corrections(again)) == 1

    # moved back where mailroute put it: the latest correction says invoice again
    _move(peer, CLAIMS, invoice, INVOICES)
    assert [c.corrected for c in again.watchers[0].scan()] == ["invoice"]
    assert [r["corrected"] for r in _corrections(again)] == ["claim", "invoice"]
    assert again.watchers[0].scan() == []
    assert claim not in {r["message_id"] for r in _corrections(again)}


def test_out_of_exceptions_counts_and_unknown_mail_does_not(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, models_dir: Path,
    samples: dict[str, bytes], apps: list[App],
) -> None:
    user, _ = imap_user
    config = _project(tmp_path, dovecot, user, models_dir)
    peer = dovecot.client(user)
    peer.append("INBOX", samples["general_question"])  # no rule: the default hands it over
    peer.append("INBOX", samples["invoice"])
    app = imap_app(config, apps)
    assert process_available(app) == 2
    assert app.store.counts() == {"done": 1, "exception": 1}

    question = _mid(samples["general_question"])
    _move(peer, "Exceptions", question, INVOICES)
    # a message mailroute never handled, filed by hand: not a correction
    peer.append(INVOICES, samples["claim"])
    assert process_available(app) == 0
    rows = _corrections(app)
    assert [(r["message_id"], r["predicted"], r["corrected"]) for r in rows] == [
        (question, "general_question", "invoice")]
    assert rows[0]["source"] == f"imap:{INVOICES}"


def test_retagged_message_is_one_correction(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, models_dir: Path,
    samples: dict[str, bytes], apps: list[App],
) -> None:
    user, _ = imap_user
    config = _project(tmp_path, dovecot, user, models_dir)
    peer = dovecot.client(user)
    peer.append("INBOX", samples["invoice"])
    peer.append("INBOX", samples["claim"])
    app = imap_app(config, apps)
    assert process_available(app) == 2
    assert _corrections(app) == []  # the keywords mailroute set itself are no corrections

    # in the mail client: the "invoice" stays where it is, tagged claim instead
    invoice = _mid(samples["invoice"])
    peer.select_folder(INVOICES)
    uids = peer.search(["HEADER", "Message-ID", invoice])
    peer.remove_flags(uids, [b"$Invoice"])
    peer.add_flags(uids, [b"$Claim"])
    found = app.watchers[0].scan()
    assert [(c.predicted, c.corrected) for c in found] == [("invoice", "claim")]
    rows = _corrections(app)
    assert [(r["message_id"], r["source"]) for r in rows] == [(invoice, f"imap:{INVOICES}")]
    # a flag change that says nothing new (\Seen) records nothing
    peer.add_flags(uids, [b"\\Seen"])
    assert app.watchers[0].scan() == []
    assert len(_corrections(app)) == 1


def test_daemon_runs_the_watcher(
    dovecot: Dovecot, imap_user: tuple[str, str], tmp_path: Path, models_dir: Path,
    samples: dict[str, bytes], apps: list[App],
) -> None:
    user, _ = imap_user
    config = _project(tmp_path, dovecot, user, models_dir, interval_seconds=1)
    peer = dovecot.client(user)
    peer.append("INBOX", samples["claim"])
    app = imap_app(config, apps)
    daemon = Daemon(app)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: app.store.counts() == {"done": 1})
        claim = _mid(samples["claim"])
        assert wait_for(lambda: peer.folder_exists(CLAIMS) and (
            peer.select_folder(CLAIMS, readonly=True) and peer.search(["ALL"])))
        _move(peer, CLAIMS, claim, INVOICES)
        assert wait_for(lambda: _corrections(app), timeout=15)
        assert [(r["predicted"], r["corrected"]) for r in _corrections(app)] == [
            ("claim", "invoice")]
    finally:
        daemon.stop.set()
        thread.join(15)
    assert not thread.is_alive()


def test_folder_map_from_rules_and_config(tmp_path: Path) -> None:
    rules = compile_rules([("test.toml", {"rule": [
        {"name": "inv", "when": {"category": "invoice"}, "actions": [{"move": "Finance/Invoices"}]},
        {"name": "big", "when": {"category": "invoice", "fields": {"amount": "> 10000"}},
         "actions": [{"move": "Finance/Review"}]},
        {"name": "q", "when": {"category": "general_question"}, "actions": [{"move": "Inbox2"}]},
        {"name": "c", "when": {"category": "complaint"}, "actions": [{"move": "Inbox2"}]},
        {"name": "two", "when": {"category": ["claim", "policy_change"]},
         "actions": [{"move": "Insurance"}]},
        {"name": "subj", "when": {"subject": "x"}, "actions": [{"move": "Other"}]},
        {"name": "default", "default": True, "actions": [{"exceptions": "none"}]},
    ]})])
    # Inbox2 would mean two categories and Insurance either of two: neither can tell
    assert category_folders(rules) == {"Finance/Invoices": "invoice",
                                       "Finance/Review": "invoice"}
    assert category_folders(rules, {"invoice": "Facturen", "claim": "Insurance"}) == {
        "Facturen": "invoice", "Insurance": "claim"}


def test_config_refuses_one_folder_for_two_categories(
    dovecot: Dovecot, tmp_path: Path, models_dir: Path,
) -> None:
    config = _project(tmp_path, dovecot, "nobody", models_dir,
                      folders={"invoice": "Finance", "claim": "Finance"})
    bad = r"mailboxes\[0\]\.corrections\.folders: 'Finance' is given for both"
    with pytest.raises(ConfigError, match=bad):
        load_config(config)
    text = config.read_text().replace("folders = ", "folder = ")
    config.write_text(text)
    with pytest.raises(ConfigError, match=r"corrections\.folder\b"):
        load_config(config)
