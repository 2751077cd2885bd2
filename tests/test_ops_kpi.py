"""KPIs from the store (`mailroute kpi`) and the HTML report (`mailroute report`)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.adapters.kpi import compute, daily, percentile
from mailroute.adapters.sources.maildir import deliver
from mailroute.adapters.store import Store, iso
from mailroute.cli import main
from mailroute.config.kpi import KpiSection
from mailroute.daemon import process_available

from .conftest import SAMPLES, make_mail
from .test_pipeline import INVOICE

KPI = "manual_minutes = { invoice = 4, claim = 9, default = 3 }"


def run(project: Path, *args: str):
    return CliRunner().invoke(main, ["-c", str(project / "config.toml"), *args])


@pytest.fixture
def handled(project: Path, make_app):
    """Two invoices, a claim and an unreadable message through the real pipeline, plus a
    correction and an LLM call recorded the way their owners record them."""
    config = project / "config.toml"
    text, n = re.subn(r"(?m)^manual_minutes = .*$", KPI, config.read_text())
    assert n == 1  # the shipped config sets minutes per category
    config.write_text(text, encoding="utf-8")
    app = make_app()
    root = app.config.mailboxes[0].path
    deliver(root, make_mail(**INVOICE))
    deliver(root, make_mail(**{**INVOICE, "subject": "Factuur 2026-0999 drukwerk november"}))
    deliver(root, (sorted((SAMPLES / "corpus" / "claim").glob("*.eml"))[0]).read_bytes())
    deliver(root, (SAMPLES / "odd" / "empty-file.eml").read_bytes())
    assert process_available(app) == 4
    rows = {r["id"]: r for r in app.store.decisions(limit=None)}
    done = sorted(pk for pk, r in rows.items() if r["status"] == "done")
    assert [rows[pk]["label"] for pk in done] == ["invoice", "invoice", "claim"]
    now = iso(datetime.now(UTC))
    with app.store.transaction() as db:
        db["corrections"].insert({"message": done[1], "predicted": "invoice",
                                  "corrected": "complaint", "source": "folder", "who": "anna",
                                  "created_at": now})
        db["llm_calls"].insert({"message": done[2], "purpose": "classify", "model": "m",
                                "tokens_in": 100, "tokens_out": 10, "cost": 0.0125,
                                "outcome": "ok", "prompt": "p", "response": "r",
                                "created_at": now})
    return app


def test_kpis_from_processed_mail(handled):
    minutes = handled.config.kpi.minutes_for
    kpis = compute(handled.store, datetime.now(UTC) - timedelta(days=7), minutes_for=minutes)
    assert (kpis.handled, kpis.automated, kpis.exceptions, kpis.errors) == (4, 3, 1, 0)
    assert kpis.automated_share == 0.75 and kpis.exception_rate == 0.25
    assert kpis.hours_saved == pytest.approx((4 + 4 + 9) / 60, abs=1e-3)
    assert kpis.corrected == 1 and kpis.accuracy == pytest.approx(2 / 3, abs=1e-4)
    assert (kpis.llm_calls, kpis.llm_cost) == (1, 0.0125)
    assert kpis.latency_median_seconds is not None and kpis.latency_median_seconds < 60
    assert kpis.by_label["invoice"] == {"handled": 2, "automated": 2, "exceptions": 0,
                                        "hours_saved": pytest.approx(8 / 60, abs=1e-3)}
    # a window that ended before the messages were finished is empty
    old = compute(handled.store, datetime.now(UTC) - timedelta(days=30),
                  datetime.now(UTC) - timedelta(days=7), minutes_for=minutes)
    assert old.handled == 0 and old.automated_share is None and old.llm_calls == 0
    other = compute(handled.store, datetime.now(UTC) - timedelta(days=7), mailbox="nope")
    assert other.handled == 0


def test_latency_median_and_p90_use_arrival_to_finished(tmp_path: Path):
    store = Store(tmp_path / "s.db")
    base = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for i, seconds in enumerate([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]):
        store.db["messages"].insert({
            "mailbox": "m", "folder": "INBOX", "source_id": str(i), "status": "done",
            "label": "claim", "sent_at": iso(base - timedelta(days=3)),  # Date header: ignored
            "received_at": iso(base),  # arrival in the mailbox
            "first_seen_at": iso(base + timedelta(seconds=5)),
            "finished_at": iso(base + timedelta(seconds=seconds)),
        })
    kpis = compute(store, base - timedelta(days=1), base + timedelta(days=1),
                   minutes_for=KpiSection(manual_minutes={"claim": 9}).minutes_for)
    assert kpis.latency_median_seconds == 55.0
    assert kpis.latency_p90_seconds == 181.0  # 90 + 0.1 * (1000 - 90), interpolated
    assert kpis.hours_saved == pytest.approx(10 * 9 / 60)
    (day,) = daily(store, base - timedelta(days=1), base + timedelta(days=1))
    assert (day.day, day.handled, day.by_label) == ("2026-11-02", 10, {"claim": 10})
    store.db["messages"].insert({"mailbox": "m", "folder": "INBOX", "source_id": "x",
                                 "status": "exception", "label": None,
                                 "first_seen_at": iso(base + timedelta(days=3)),
                                 "finished_at": iso(base + timedelta(days=3))})
    days = daily(store, base - timedelta(days=1), base + timedelta(days=5))
    assert [(d.day, d.handled, d.exception_rate) for d in days] == [
        ("2026-11-02", 10, 0.0), ("2026-11-03", 0, None), ("2026-11-04", 0, None),
        ("2026-11-05", 1, 1.0)]
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    store.close()


def test_kpi_command_table_json_csv(handled, project: Path):
    result = run(project, "kpi", "--since", "7d")
    assert result.exit_code == 0, result.output
    assert "automated share" in result.output and "75.0%" in result.output
    assert "invoice" in result.output

    data = json.loads(run(project, "kpi", "--since", "7d", "--format", "json").output)
    assert data["messages_handled"] == 4 and data["exception_rate"] == 0.25
    assert data["hours_saved"] == pytest.approx(0.28, abs=0.01)
    assert data["by_label"]["claim"]["automated"] == 1

    rows = list(csv.reader(io.StringIO(run(project, "kpi", "--format", "csv").output)))
    assert rows[0] == ["kpi", "value"]
    table = dict(rows[1:])
    assert table["automated"] == "3" and table["llm_cost"] == "0.0125"
    assert table["accuracy"] == "0.6667"

    bad = run(project, "kpi", "--since", "last week")
    assert bad.exit_code != 0 and "7d" in bad.output


def test_report_is_one_self_contained_page(handled, project: Path, tmp_path: Path):
    out = tmp_path / "r" / "report.html"
    result = run(project, "report", "--since", "30d", "--out", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 4  # volume, exception rate, latency, hours saved
    for title in ("Messages per day by label", "Exception rate per day", "Intake to handled",
                  "Hours of manual work saved"):
        assert title in html
    # nothing is loaded from elsewhere: no external scripts, styles, images or fonts
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html and "@import" not in html
    assert ">4</div>" in html and "75.0%" in html
    # subjects and bodies of the messages stay out of a report that gets mailed around
    assert "drukwerk" not in html and "NL91ABNA" not in html

    empty = run(project, "report", "--since", "2026-01-01", "--until", "2026-01-02",
                "--out", str(tmp_path / "empty.html"))
    assert empty.exit_code == 0, empty.output
    assert "No messages were finished" in (tmp_path / "empty.html").read_text()


def test_kpi_without_a_store_names_the_problem(project: Path):
    result = run(project, "kpi")
    assert result.exit_code == 2
    assert "no store yet" in result.output
