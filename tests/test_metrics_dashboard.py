"""Every PromQL expression of dashboards/mailroute.json, against a real Prometheus that
scrapes a running mailroute (Maildir mailbox, sample model), and the alert rules loaded in it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import CollectorRegistry

from mailroute.adapters.corrections import CorrectionMetrics
from mailroute.adapters.kpi import CorrectionsCollector
from mailroute.adapters.llm.metrics import LlmMetrics
from mailroute.adapters.metrics import Metrics
from mailroute.adapters.sender import SenderMetrics
from mailroute.adapters.sources.exchange_common import ExchangeMetrics
from mailroute.adapters.sources.maildir import deliver
from mailroute.adapters.store import Store

from .conftest import wait_for

REPO = Path(__file__).resolve().parent.parent
DASHBOARD = REPO / "dashboards" / "mailroute.json"
ALERTS = REPO / "prometheus" / "alerts.yml"
CORPUS = REPO / "samples" / "corpus"
VARIABLES = {"$__rate_interval": "1m", "$__range": "1h", "$mailbox": ".*", "$label": ".*",
             "${datasource}": "prometheus"}
# PromQL words that look like metric names in an expression
PROMQL_WORDS = {"sum", "by", "rate", "increase", "histogram_quantile", "time", "or", "vector",
                "min", "max", "count", "and", "on", "delta", "le"}


def _substitute(expr: str) -> str:
    for name, value in VARIABLES.items():
        expr = expr.replace(name, value)
    assert "$" not in expr, f"unknown variable in {expr}"
    return expr


def dashboard_queries() -> tuple[list[tuple[str, str]], list[str]]:
    """(panel title, expr) of every target, and every variable's query."""
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exprs = [(p["title"], t["expr"]) for p in data["panels"] for t in p.get("targets", [])]
    variables = [v["query"]["query"] for v in data["templating"]["list"] if v["type"] == "query"]
    return exprs, variables


def _metric_names(expr: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    without_labels = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", without_strings)
    names = set(re.findall(r"\b(mailroute_[a-z_]+|up)\b", without_labels))
    return names - PROMQL_WORDS


def exported_names() -> set[str]:
    """Every sample name mailroute's metric classes can export."""
    registry = CollectorRegistry()
    Metrics(registry)
    LlmMetrics(registry)
    ExchangeMetrics(registry)
    SenderMetrics(registry)
    store = Store(":memory:")
    registry.register(CorrectionsCollector(store))
    CorrectionMetrics(registry, store)
    names = set()
    for family in registry.collect():
        names.add(family.name)
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"],
                    "info": ["_info"], "gauge": [""]}[family.type]
        names.update(family.name + s for s in suffixes)
    store.close()
    return names


def test_dashboard_is_grafana_shaped():
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    variables = {v["name"]: v for v in data["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    assert {"mailbox", "label"} <= set(variables)
    panels = data["panels"]
    assert panels[0]["type"] == "row" and panels[0]["title"] == "KPIs"
    kpi_titles = [p["title"] for p in panels[1:8]]
    assert all(p["type"] == "stat" for p in panels[1:8]), kpi_titles
    for wanted in ("Automated share", "Hours saved", "Exception rate", "Accuracy", "Intake"):
        assert any(wanted in t for t in kpi_titles), wanted
    assert len({p["id"] for p in panels}) == len(panels)
    for panel in panels:
        for target in panel.get("targets", []):
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]
    # the committed JSON is what dashboards/build.py writes
    import runpy

    built = runpy.run_path(str(REPO / "dashboards" / "build.py"))["build"]()
    assert built == data, "dashboards/mailroute.json is stale: run python dashboards/build.py"


def test_dashboard_uses_only_metrics_mailroute_exports():
    known = exported_names()
    exprs, variables = dashboard_queries()
    for title, expr in exprs:
        unknown = _metric_names(expr) - known - {"up"}
        assert not unknown, f"{title}: {unknown}"
    for query in variables:
        assert _metric_names(query) <= known, query


def test_every_dashboard_query_returns_data_from_a_live_mailroute(
    make_app, run_daemon, prometheus_server
):
    app = make_app()
    root = app.config.mailboxes[0].path
    files = [sorted((CORPUS / label).glob("*.eml"))[:2]
             for label in ("invoice", "claim", "complaint", "job_application")]
    odd = REPO / "samples" / "odd"  # nothing to classify: the exceptions route
    # A labelled counter appears at its first increment, which increase() cannot see; so a
    # first batch creates the series and a second, after a scrape, moves them.
    for first, _ in files:
        deliver(root, first.read_bytes())
    deliver(root, (odd / "binary-junk.eml").read_bytes())
    running = run_daemon(app)
    host, port = running.daemon.server.address
    prom = prometheus_server([f"{host}:{port}"], rule_files=[ALERTS])

    def finished() -> int:
        return sum(app.store.counts().get(s, 0) for s in ("done", "exception"))

    assert wait_for(lambda: finished() == len(files) + 1, 30), app.store.counts()
    assert wait_for(lambda: prom.value("sum(mailroute_messages_total)") == len(files) + 1,
                    30, 0.2), "prometheus never scraped mailroute"
    for _, second in files:
        deliver(root, second.read_bytes())
    deliver(root, (odd / "empty-file.eml").read_bytes())
    total = 2 * (len(files) + 1)
    assert wait_for(lambda: finished() == total, 30), app.store.counts()
    assert app.store.counts().get("exception", 0) >= 2
    assert wait_for(lambda: prom.value("sum(mailroute_messages_total)") == float(total),
                    20, 0.2)

    exprs, variables = dashboard_queries()
    assert len(exprs) >= 25
    empty = []
    for title, expr in exprs:
        result = prom.query(_substitute(expr))["result"]  # raises on a PromQL error
        if not result:
            empty.append(f"{title}: {expr}")
    assert not empty, "queries without a result:\n" + "\n".join(empty)

    handled = prom.value(_substitute(exprs[0][1]))
    assert handled and handled > 0
    for query in variables:  # label_values(METRIC, LABEL) as Grafana runs it
        match = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", query)
        assert match, query
        series = prom.query(_substitute(match.group(1)))["result"]
        assert any(match.group(2) in s["metric"] for s in series), query

    # the alert rules load and evaluate cleanly against real mailroute series
    def rules_evaluated():
        groups = prom.query_api("/api/v1/rules")["groups"]
        rules = [r for g in groups for r in g["rules"]]
        return rules if rules and all(r.get("lastEvaluation", "").startswith("20")
                                      for r in rules) else None

    rules = wait_for(rules_evaluated, 20, 0.2)
    assert rules, "alert rules were never evaluated"
    assert all(r["health"] == "ok" for r in rules), [(r["name"], r.get("lastError"))
                                                       for r in rules]
    assert len(rules) >= 10


def test_every_metric_is_in_the_metrics_doc():
    doc = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(mailroute_[a-z_]+)` \|", doc, re.M))
    families = {n for n in exported_names()
                if not n.endswith(("_bucket", "_count", "_sum", "_created"))}
    # a counter is documented by its _total name, an info by its _info name
    expected = {n for n in families if n + "_total" not in families
                and n + "_info" not in families}
    assert not expected - documented, f"undocumented: {sorted(expected - documented)}"
    assert not documented - families, f"documented but not exported: {documented - families}"
