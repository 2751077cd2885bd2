"""Prometheus metrics on a registry passed in (a fresh one per test, never the global one).

Label values are bounded: mailbox names and labels come from config and the model,
outcomes, stages and reasons from fixed sets. No message ids, subjects or addresses.
"""

from __future__ import annotations

import time
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

from .. import __version__

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# Arrival to last action: seconds when all is well, hours after an outage or over a weekend.
INTAKE_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400,
                  259200)
STAGES = ("parse", "classify", "llm", "decide", "act")
# Error stages known up front, so every series exists (at 0) before the first error.
ERROR_STAGES = ("pipeline", "act", "reconcile", "source")
CONFIDENCE_BUCKETS = (*(round(0.1 * i, 1) for i in range(1, 10)), 0.95, 0.99, 1.0)


class Metrics:
    """Every metric mailroute exports, created on ``registry``."""

    def __init__(self, registry: CollectorRegistry):
        self.registry = registry
        self.messages = Counter(
            "mailroute_messages_total",
            "Messages finished, by mailbox, label, deciding tier and outcome.",
            ["mailbox", "label", "tier", "outcome"], registry=registry,
        )
        self.processing = Histogram(
            "mailroute_processing_seconds",
            "Time from claim to the last action of a message (its batch, when fetched together).",
            ["mailbox"], buckets=LATENCY_BUCKETS, registry=registry,
        )
        self.confidence = Histogram(
            "mailroute_classifier_confidence",
            "Calibrated probability of the classifier's top label.",
            ["label"], buckets=CONFIDENCE_BUCKETS, registry=registry,
        )
        self.exceptions = Counter(
            "mailroute_exceptions_total",
            "Messages handed to a human, by reason.",
            ["mailbox", "reason"], registry=registry,
        )
        self.errors = Counter(
            "mailroute_errors_total",
            "Errors by pipeline stage (each failed attempt counts once).",
            ["mailbox", "stage"], registry=registry,
        )
        self.actions = Counter(
            "mailroute_actions_total",
            "Actions by type and result (done, failed, queued, reconciled).",
            ["mailbox", "action", "result"], registry=registry,
        )
        self.last_poll = Gauge(
            "mailroute_last_poll_timestamp_seconds",
            "Unix time of the last successful poll of a mailbox.",
            ["mailbox"], registry=registry,
        )
        self.source_up = Gauge(
            "mailroute_source_up",
            "1 when the mailbox is connected and polling, else 0.",
            ["mailbox"], registry=registry,
        )
        self.auth_failures = Counter(
            "mailroute_source_auth_failures_total",
            "Times a mailbox refused our credentials.", ["mailbox"], registry=registry,
        )
        self.backlog = Gauge(
            "mailroute_source_backlog_messages",
            "Messages seen in a mailbox and not yet finished.", ["mailbox"], registry=registry,
        )
        self.rules_loaded = Gauge(
            "mailroute_rules_loaded",
            "Number of rules in force.", registry=registry,
        )
        self.rules_reload = Counter(
            "mailroute_rules_reloads_total",
            "Rule reloads by result (ok, refused).", ["result"], registry=registry,
        )
        self.model_info = Info(
            "mailroute_model", "The classifier model in use.", registry=registry,
        )
        self.build_info = Info(
            "mailroute_build", "mailroute version.", registry=registry,
        )
        self.build_info.info({"version": __version__})
        # -- latency and KPIs (docs/metrics.md) --
        self.intake = Histogram(
            "mailroute_intake_to_handled_seconds",
            "Time from a message's arrival in the mailbox to its last action.",
            ["mailbox"], buckets=INTAKE_BUCKETS, registry=registry,
        )
        self.stage = Histogram(
            "mailroute_stage_seconds",
            "Time spent in one pipeline stage (parse, classify, decide, act).",
            ["stage"], buckets=LATENCY_BUCKETS, registry=registry,
        )
        self.work_saved = Counter(
            "mailroute_manual_work_saved_seconds_total",
            "Configured manual handling time ([kpi] manual_minutes) of messages handled "
            "without a human.",
            ["mailbox", "label"], registry=registry,
        )
        self.manual_minutes_info = Gauge(
            "mailroute_kpi_manual_work_seconds",
            "Configured manual work one message of a label takes ([kpi] manual_minutes).",
            ["label"], registry=registry,
        )
        self.pruned = Counter(
            "mailroute_retention_pruned_total",
            "Stored texts removed by the retention setting, by kind.",
            ["kind"], registry=registry,
        )
        self.manual_minutes: dict[str, float] = {"default": 0.0}
        for stage in STAGES:
            self.stage.labels(stage)

    def set_manual_minutes(self, minutes: dict[str, float]) -> None:
        """Use ``[kpi] manual_minutes`` (``default`` covers labels not listed)."""
        self.manual_minutes = {"default": 0.0, **minutes}
        for label, value in self.manual_minutes.items():
            self.manual_minutes_info.labels(label).set(value * 60.0)

    def init_mailbox(self, mailbox: str) -> None:
        """Create a mailbox's series at zero, so dashboards and alerts see them from the start."""
        self.source_up.labels(mailbox).set(0)
        self.backlog.labels(mailbox).set(0)
        self.auth_failures.labels(mailbox)
        self.intake.labels(mailbox)
        self.processing.labels(mailbox)
        for stage in ERROR_STAGES:
            self.errors.labels(mailbox, stage)

    def observe_stage(self, stage: str, started: float, messages: int = 1) -> float:
        """Record ``stage`` as taking from ``started`` (perf_counter) until now; return now.

        A stage done for a batch of ``messages`` at once counts each its equal share.
        """
        now = time.perf_counter()
        if messages > 0:
            child = self.stage.labels(stage)
            share = max(0.0, now - started) / messages
            for _ in range(messages):
                child.observe(share)
        return now

    def handled(self, mailbox: str, received_at: datetime | None, now: datetime) -> None:
        """A message got its last action: observe arrival-to-handled (unknown arrival: skip)."""
        if received_at is not None:
            self.intake.labels(mailbox).observe(max(0.0, (now - received_at).total_seconds()))

    def automated(self, mailbox: str, label: str) -> None:
        """A message was handled without a human: count its configured manual minutes."""
        minutes = self.manual_minutes.get(label, self.manual_minutes["default"])
        self.work_saved.labels(mailbox, label).inc(minutes * 60.0)

    def polled(self, mailbox: str, now: float | None = None) -> None:
        self.last_poll.labels(mailbox).set(now if now is not None else time.time())
        self.source_up.labels(mailbox).set(1)

    def source_down(self, mailbox: str) -> None:
        self.source_up.labels(mailbox).set(0)

    def model(self, version: str, labels: int) -> None:
        self.model_info.info({"version": version or "none", "labels": str(labels)})
