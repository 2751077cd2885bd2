"""The metrics port of a running daemon: promtool-clean exposition, new metrics, health probes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from prometheus_client import CollectorRegistry

from mailroute.adapters.http import MetricsServer
from mailroute.adapters.metrics import Metrics
from mailroute.adapters.sources.maildir import deliver

from .conftest import make_mail, wait_for
from .prometheus import http_get
from .test_pipeline import INVOICE

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _finished(app, n: int) -> bool:
    counts = app.store.counts()
    return counts.get("done", 0) + counts.get("exception", 0) >= n


def test_live_metrics_pass_promtool_and_carry_kpis(make_app, project: Path, run_daemon,
                                                    promtool: str):
    config = project / "config.toml"
    text, n = re.subn(r"(?m)^manual_minutes = .*$",
                      "manual_minutes = { invoice = 4, default = 3 }", config.read_text())
    assert n == 1
    config.write_text(text, encoding="utf-8")
    app = make_app()
    root = app.config.mailboxes[0].path
    deliver(root, make_mail(**INVOICE))
    deliver(root, (SAMPLES / "odd" / "binary-junk.eml").read_bytes())  # to exceptions
    running = run_daemon(app)
    assert wait_for(lambda: _finished(app, 2), 20), app.store.counts()
    # the poll after the messages sets backlog and last poll
    assert wait_for(lambda: 'mailroute_source_up{mailbox="sample"} 1.0'
                    in http_get(f"{running.base_url}/metrics")[1], 10)

    status, text = http_get(f"{running.base_url}/metrics")
    assert status == 200
    check = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr

    assert app.store.counts() == {"done": 1, "exception": 1}
    # hours saved: 4 minutes for the routed invoice, nothing for the exception
    saved = [line for line in text.splitlines()
             if line.startswith("mailroute_manual_work_saved_seconds_total{")]
    assert saved == [
        'mailroute_manual_work_saved_seconds_total{label="invoice",mailbox="sample"} 240.0']
    assert 'mailroute_intake_to_handled_seconds_count{mailbox="sample"} 2.0' in text
    for stage in ("parse", "classify", "decide", "act"):
        assert f'mailroute_stage_seconds_count{{stage="{stage}"}} 2.0' in text
    assert 'mailroute_kpi_manual_work_seconds{label="invoice"} 240.0' in text
    assert 'mailroute_source_backlog_messages{mailbox="sample"} 0.0' in text
    # series known up front exist at zero before anything goes wrong
    assert 'mailroute_source_auth_failures_total{mailbox="sample"} 0.0' in text
    assert 'mailroute_errors_total{mailbox="sample",stage="act"} 0.0' in text
    assert "mailroute_build_info{version=" in text

    # a correction recorded in the store shows up at the next scrape
    pk = app.store.db.execute("SELECT id FROM messages WHERE status='done'").fetchone()[0]
    with app.store.transaction() as db:
        db["corrections"].insert({"message": pk, "predicted": "invoice", "corrected": "claim",
                                  "source": "test", "who": "tester", "created_at": "x"})
    assert 'mailroute_corrections_total{label="invoice"} 1.0' in \
        http_get(f"{running.base_url}/metrics")[1]

    assert http_get(f"{running.base_url}/healthz") == (200, "ok\n")
    status, body = http_get(f"{running.base_url}/readyz")
    assert status == 200, body
    assert json.loads(body) == {"ready": True, "checks": {
        "config": True, "store_writable": True, "rules": True, "source:sample": True}}


def test_readyz_waits_for_every_source_and_a_writable_store(make_app):
    app = make_app()
    server = MetricsServer("127.0.0.1", 0, app.registry, app.readiness).start()
    try:
        url = "http://{}:{}".format(*server.address)
        assert http_get(f"{url}/healthz")[0] == 200
        status, body = http_get(f"{url}/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["source:sample"] is False

        # connected once is enough: a later outage shows in mailroute_source_up instead
        from mailroute.daemon import Daemon

        Daemon(app).run_once(app.sources[0])
        app.connected["sample"] = False
        assert http_get(f"{url}/readyz")[0] == 200

        app.store.close()  # a store we cannot write to is not ready
        status, body = http_get(f"{url}/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["store_writable"] is False
        assert http_get(f"{url}/nope")[0] == 404
    finally:
        server.stop()


def test_metric_names_follow_prometheus_conventions(promtool: str):
    """Every metric of the main set, with one sample each, passes promtool's linter."""
    from datetime import UTC, datetime

    registry = CollectorRegistry()
    metrics = Metrics(registry)
    metrics.set_manual_minutes({"claim": 9})
    metrics.init_mailbox("m")
    metrics.automated("m", "claim")
    metrics.handled("m", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 5, tzinfo=UTC))
    metrics.pruned.labels("messages").inc()
    from prometheus_client import generate_latest

    text = generate_latest(registry).decode()
    assert 'mailroute_manual_work_saved_seconds_total{label="claim",mailbox="m"} 540.0' in text
    assert 'mailroute_intake_to_handled_seconds_bucket{le="300.0",mailbox="m"} 1.0' in text
    assert 'mailroute_intake_to_handled_seconds_bucket{le="120.0",mailbox="m"} 0.0' in text
    check = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
