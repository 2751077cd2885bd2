"""Structured logs: one line per message decision with correlating ids; never a body or a secret."""

from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.adapters.sources.maildir import deliver
from mailroute.cli import main
from mailroute.daemon import Daemon
from mailroute.logs import setup_logging

from .conftest import SAMPLES, make_mail, wait_for
from .test_pipeline import INVOICE

SECRET = "s3cret-Pa55word-never-logged"
BODY_WORDS = ("NL91ABNA0417164300", "geleverde", "totaalbedrag")  # only in the invoice body
SMTP = ('\n[smtp]\nenabled = true\nhost = "127.0.0.1"\nport = 1\ntls = "plain"\n'
        'username = "triage"\npassword = { env = "MR_TEST_SMTP_PASSWORD" }\n'
        'from_address = "triage@example.nl"\ntimeout_seconds = 2\n')


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _deliver_three(root: Path) -> None:
    deliver(root, make_mail(**INVOICE))
    deliver(root, (sorted((SAMPLES / "corpus" / "claim").glob("*.eml"))[0]).read_bytes())
    deliver(root, (SAMPLES / "odd" / "binary-junk.eml").read_bytes())


def test_json_logs_one_line_per_decision_without_bodies_or_secrets(
    project: Path, make_app, capsys, monkeypatch, restore_logging
):
    monkeypatch.setenv("MR_TEST_SMTP_PASSWORD", SECRET)
    config = project / "config.toml"
    config.write_text(config.read_text() + SMTP, encoding="utf-8")
    app = make_app()
    assert app.sender is not None  # the sender will fail against a closed port and log it
    _deliver_three(app.config.mailboxes[0].path)
    setup_logging("json", "DEBUG")
    daemon = Daemon(app)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: sum(app.store.counts().get(s, 0)
                                    for s in ("done", "exception")) == 3, 20)
        ids = {r["id"]: r for r in app.store.decisions(limit=None)}
    finally:
        daemon.stop.set()
        thread.join(30)
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert lines, err
    decisions = [e for e in lines if e["event"] == "message handled"]
    assert len(decisions) == 3
    for entry in decisions:
        assert {"ts", "level", "logger", "mailbox", "id", "msg", "status", "tier", "rule",
                "actions", "category"} <= set(entry)
        row = ids[entry["msg"]]  # the store row: `mailroute audit` shows the same message
        assert row["source_id"] == entry["id"] and row["mailbox"] == entry["mailbox"]
        assert row["status"] == entry["status"]
    for word in (SECRET, *BODY_WORDS):
        assert word not in err, word
    # nor in the audit store or on the metrics page
    data = b"".join(p.read_bytes() for p in Path(app.config.store.path).parent.glob("*.db*"))
    assert SECRET.encode() not in data


def test_text_logs_from_mailroute_run(project: Path, monkeypatch, restore_logging):
    monkeypatch.setenv("MR_TEST_SMTP_PASSWORD", SECRET)
    config = project / "config.toml"
    assert 'log_format = "text"' in config.read_text()
    config.write_text(config.read_text() + SMTP, encoding="utf-8")
    _deliver_three(project / "var" / "maildir")
    result = CliRunner().invoke(main, ["-c", str(config), "run", "--once"])
    assert result.exit_code == 0, result.output
    handled = [line for line in result.stderr.splitlines() if " message handled " in line]
    assert len(handled) == 3, result.stderr
    for line in handled:
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (INFO|WARNING) message handled ",
                        line), line
        assert re.search(r" mailbox=sample id=\S+ msg=\d+ ", line), line
        assert re.search(r" status=(done|exception)\b", line), line
    for word in (SECRET, *BODY_WORDS):
        assert word not in result.output, word
