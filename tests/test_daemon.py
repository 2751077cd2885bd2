"""The daemon as a user runs it: picks up new mail, serves metrics, reloads rules, stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from mailroute.adapters.sources.maildir import deliver, folder_dir
from mailroute.daemon import Daemon

from .conftest import make_mail, wait_for
from .test_pipeline import INVOICE


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_daemon_picks_up_new_mail_and_exposes_metrics(make_app, project: Path):
    app = make_app()
    daemon = Daemon(app)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: daemon.server is not None, 10)
        host, port = daemon.server.address
        root = app.config.mailboxes[0].path
        assert wait_for(lambda: root.is_dir(), 10)
        deliver(root, make_mail(**INVOICE))
        invoices = folder_dir(root, "Finance/Invoices") / "cur"
        assert wait_for(lambda: invoices.is_dir() and any(invoices.iterdir()), 15)

        status, text = get(f"http://{host}:{port}/metrics")
        assert status == 200
        assert ('mailroute_messages_total{label="invoice",mailbox="sample",outcome="routed",'
                'tier="classifier"} 1.0') in text
        assert 'mailroute_processing_seconds_count{mailbox="sample"} 1.0' in text
        assert 'mailroute_classifier_confidence_count{label="invoice"} 1.0' in text
        assert 'mailroute_last_poll_timestamp_seconds{mailbox="sample"}' in text
        assert "mailroute_rules_loaded 7.0" in text
        assert get(f"http://{host}:{port}/healthz")[0] == 200
        status, body = get(f"http://{host}:{port}/readyz")
        assert status == 200 and '"ready": true' in body

        # an invalid rule edit is refused while the daemon runs; the old rules stay
        (project / "rules" / "50-bad.toml").write_text("[[rule]]\nname='x'\nactions=[{ nope=1 }]\n")
        assert wait_for(lambda: 'mailroute_rules_reloads_total{result="refused"} 1.0'
                        in get(f"http://{host}:{port}/metrics")[1], 15)
        assert len(app.rules.current()) == 7
        # a valid edit takes effect without a restart
        (project / "rules" / "50-bad.toml").unlink()
        (project / "rules" / "05-spoed.toml").write_text(
            "[[rule]]\nname='spoed'\nwhen={ subject='SPOED' }\nactions=[{ move='Urgent' }]\n")
        assert wait_for(lambda: len(app.rules.current()) == 8, 15)
        deliver(root, make_mail(subject="SPOED: graag terugbellen", body="Bel me terug."))
        urgent = folder_dir(root, "Urgent") / "cur"
        assert wait_for(lambda: urgent.is_dir() and any(urgent.iterdir()), 15)
    finally:
        daemon.stop.set()
        thread.join(30)
    assert not thread.is_alive()


def test_run_stops_cleanly_on_sigterm(project: Path):
    """`mailroute run` as a process: processes the inbox, exits 0 on SIGTERM."""
    root = project / "var" / "maildir"
    deliver(root, make_mail(**INVOICE))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailroute", "-c", str(project / "config.toml"), "run"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        invoices = folder_dir(root, "Finance/Invoices") / "cur"
        assert wait_for(lambda: invoices.is_dir() and any(invoices.iterdir()), 30)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "message handled" in err and "category=invoice" in err and "rule=invoice" in err
    assert "mailroute stopped" in err


def test_metrics_port_in_use_is_a_clear_error(project: Path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        config = (project / "config.toml").read_text().replace("port = 0", f"port = {port}")
        (project / "config.toml").write_text(config)
        result = subprocess.run(
            [sys.executable, "-m", "mailroute", "-c", str(project / "config.toml"), "run"],
            cwd=project, capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "another mailroute running" in result.stderr
    assert "Traceback" not in result.stderr
