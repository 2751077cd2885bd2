#!/usr/bin/env python3
"""Write dashboards/mailroute.json (Grafana dashboard) from the panel list below.

Usage: python dashboards/build.py   (standard library only; edit here, not the JSON)

KPIs on top (stat panels over the dashboard's time range), operational panels below.
The datasource, mailbox and label are dashboard variables. Every expression is checked
against a real Prometheus scraping a running mailroute in tests/test_metrics_dashboard.py.
"""

from __future__ import annotations

import json
from pathlib import Path

DS = {"type": "prometheus", "uid": "${datasource}"}
M = 'mailbox=~"$mailbox"'
ML = 'mailbox=~"$mailbox",label=~"$label"'
MSG = f"mailroute_messages_total{{{ML}}}"


def ratio(outcome: str) -> str:
    return (f'sum(increase(mailroute_messages_total{{{ML},outcome="{outcome}"}}[$__range])) '
            f"/ sum(increase({MSG}[$__range]))")


def quantile(q: float, metric: str, by: str = "le", rng: str = "$__rate_interval",
             sel: str = M) -> str:
    return f"histogram_quantile({q}, sum by ({by}) (rate({metric}_bucket{{{sel}}}[{rng}])))"


# (title, unit, [(expr, legend)], description)
KPIS = [
    ("Messages handled", "short", [(f"sum(increase({MSG}[$__range]))", "")],
     "Messages finished in the time range (routed, exception or error)."),
    ("Automated share", "percentunit", [(ratio("routed"), "")],
     "Share of messages handled without a human."),
    ("Hours saved", "h",
     [(f"sum(increase(mailroute_manual_work_saved_seconds_total{{{ML}}}[$__range])) / 3600",
       "")],
     "Configured manual minutes ([kpi] manual_minutes) of every automated message."),
    ("Exception rate", "percentunit", [(ratio("exception"), "")],
     "Share of messages handed to a human."),
    ("Intake → handled p90", "s",
     [(quantile(0.9, "mailroute_intake_to_handled_seconds", rng="$__range"), "")],
     "90% of messages got their last action within this time of arriving."),
    ("Accuracy (1 − corrections)", "percentunit",
     [(f"1 - (sum(increase(mailroute_corrections_total{{label=~\"$label\"}}[$__range])) "
       f"or vector(0)) / sum(increase(mailroute_messages_total{{{ML},outcome=\"routed\"}}"
       f"[$__range]))", "")],
     "Share of automated messages nobody re-filed under another category."),
    ("LLM cost", "none",
     [("sum(increase(mailroute_llm_cost_estimate_total[$__range])) or vector(0)", "")],
     "Estimated from the configured token prices."),
]

OPS = [
    ("Messages per minute by label", "short",
     [(f"sum by (label) (rate({MSG}[$__rate_interval])) * 60", "{{label}}")], ""),
    ("Messages per minute by tier and outcome", "short",
     [(f"sum by (tier, outcome) (rate({MSG}[$__rate_interval])) * 60", "{{tier}} {{outcome}}")],
     "tier: classifier, llm, rule, human; outcome: routed, exception, error."),
    ("Accuracy by label (not corrected, last 30 days)", "percentunit",
     [('mailroute_classifier_correction_accuracy_ratio{label=~"$label"}', "{{label}}")],
     "Share of auto-routed messages nobody re-filed under another label "
     "([classifier] corrections_window_days)."),
    ("Exceptions by reason", "short",
     [(f"sum by (reason) (increase(mailroute_exceptions_total{{{M}}}[$__rate_interval]))",
       "{{reason}}")], ""),
    ("Intake → handled latency", "s",
     [(quantile(0.5, "mailroute_intake_to_handled_seconds"), "median"),
      (quantile(0.9, "mailroute_intake_to_handled_seconds"), "p90")], ""),
    ("Stage latency p95", "s",
     [(quantile(0.95, "mailroute_stage_seconds", "le, stage", sel=""), "{{stage}}")], ""),
    ("Processing time p95 (claim → last action)", "s",
     [(quantile(0.95, "mailroute_processing_seconds", "le, mailbox"), "{{mailbox}}")], ""),
    ("Classifier confidence (median by label)", "percentunit",
     [(quantile(0.5, "mailroute_classifier_confidence", "le, label", sel='label=~"$label"'),
       "{{label}}")], ""),
    ("Actions per minute by type and result", "short",
     [(f"sum by (action, result) (rate(mailroute_actions_total{{{M}}}[$__rate_interval])) * 60",
       "{{action}} {{result}}")], ""),
    ("Errors per minute by stage", "short",
     [(f"sum by (stage) (rate(mailroute_errors_total{{{M}}}[$__rate_interval])) * 60",
       "{{stage}}")], ""),
    ("Sources up", "short", [(f"mailroute_source_up{{{M}}}", "{{mailbox}}")],
     "1 connected and polling, 0 down."),
    ("Seconds since last successful poll", "s",
     [(f"time() - mailroute_last_poll_timestamp_seconds{{{M}}}", "{{mailbox}}")], ""),
    ("Authentication failures", "short",
     [(f"sum by (mailbox) (increase(mailroute_source_auth_failures_total{{{M}}}[$__range]))",
       "{{mailbox}}")], ""),
    ("Backlog (seen, not finished)", "short",
     [(f"mailroute_source_backlog_messages{{{M}}}", "{{mailbox}}")], ""),
    ("Server throttling (Exchange)", "short",
     [(f"sum by (mailbox) (rate(mailroute_source_throttled_total{{{M}}}[$__rate_interval])) "
       "or vector(0)", "{{mailbox}}")], ""),
    ("Sends (forward, reply) per minute and outbox", "short",
     [(f"sum by (kind, result) (rate(mailroute_sends_total{{{M}}}[$__rate_interval])) * 60 "
       "or vector(0)", "{{kind}} {{result}}"),
      (f"sum(mailroute_outbox_queued_messages{{{M}}}) or vector(0)", "queued")],
     "Sends are queued in the outbox and delivered by the sender thread (SMTP)."),
    ("LLM calls per minute by outcome", "short",
     [("sum by (outcome) (rate(mailroute_llm_calls_total[$__rate_interval])) * 60 "
       "or vector(0)", "{{outcome}}")], ""),
    ("LLM tokens per minute", "short",
     [("sum by (direction) (rate(mailroute_llm_tokens_total[$__rate_interval])) * 60 "
       "or vector(0)", "{{direction}}")], ""),
    ("LLM budget left and circuit", "short",
     [("min by (window, kind) (mailroute_llm_budget_remaining) or vector(-1)",
       "{{window}} {{kind}}"),
      ("max(mailroute_llm_circuit_state) or vector(0)", "circuit (0 closed, 2 open)")],
     "Budget -1: no limit."),
    ("Rules in force and model", "short",
     [("mailroute_rules_loaded", "rules"),
      ('count by (version) (mailroute_model_info{version!=""})', "model {{version}}"),
      ("count by (version) (mailroute_build_info)", "mailroute {{version}}")], ""),
    ("Retention: texts pruned", "short",
     [("sum by (kind) (increase(mailroute_retention_pruned_total[$__range])) or vector(0)",
       "{{kind}}")], ""),
]


def _targets(exprs: list[tuple[str, str]]) -> list[dict]:
    return [{"datasource": DS, "expr": expr, "legendFormat": legend or "__auto",
             "refId": chr(ord("A") + i)} for i, (expr, legend) in enumerate(exprs)]


def build() -> dict:
    panels: list[dict] = [{"type": "row", "title": "KPIs", "id": 1, "collapsed": False,
                           "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0}, "panels": []}]
    pid = 2
    width = 24 // 4
    for i, (title, unit, exprs, desc) in enumerate(KPIS):
        panels.append({
            "type": "stat", "id": pid, "title": title, "description": desc, "datasource": DS,
            "gridPos": {"h": 4, "w": width, "x": (i % 4) * width, "y": 1 + (i // 4) * 4},
            "fieldConfig": {"defaults": {"unit": unit, "decimals": 1}, "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                          "values": False},
                        "colorMode": "value", "graphMode": "none", "textMode": "auto"},
            "targets": _targets(exprs),
        })
        pid += 1
    y = 1 + ((len(KPIS) + 3) // 4) * 4
    panels.append({"type": "row", "title": "Operations", "id": pid, "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
    pid += 1
    y += 1
    for i, (title, unit, exprs, desc) in enumerate(OPS):
        panels.append({
            "type": "timeseries", "id": pid, "title": title, "description": desc,
            "datasource": DS,
            "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": y + (i // 2) * 8},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom"},
                        "tooltip": {"mode": "multi"}},
            "targets": _targets(exprs),
        })
        pid += 1

    def var(name: str, label: str, query: str) -> dict:
        return {"name": name, "label": label, "type": "query", "datasource": DS,
                "query": {"query": query, "refId": f"{name}-var"}, "definition": query,
                "refresh": 2, "multi": True, "includeAll": True, "allValue": ".*",
                "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
                "sort": 1}

    return {
        "title": "mailroute", "uid": "mailroute", "description":
            "mailroute e-mail triage: KPIs (automation, hours saved, speed, accuracy, "
            "exceptions) and operations (sources, latency, errors, LLM).",
        "tags": ["mailroute"], "timezone": "browser", "schemaVersion": 38, "version": 1,
        "editable": True, "graphTooltip": 1, "refresh": "1m",
        "time": {"from": "now-7d", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource",
             "query": "prometheus", "current": {}, "hide": 0, "refresh": 1},
            var("mailbox", "Mailbox", "label_values(mailroute_source_up, mailbox)"),
            var("label", "Label", 'label_values(mailroute_messages_total{mailbox=~"$mailbox"}, '
                                  "label)"),
        ]},
        "annotations": {"list": []},
        "panels": panels,
    }


if __name__ == "__main__":
    out = Path(__file__).with_name("mailroute.json")
    out.write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
