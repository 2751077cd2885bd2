"""Prometheus metrics on a registry passed in (a fresh one per test, never the global one).

Label values are bounded: mailbox names and labels come from config and the model,
outcomes, stages and reasons from fixed sets. No message ids, subjects or addresses.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

from .. import __version__

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
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
            "Time from claim to the last action of one message.",
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

    def polled(self, mailbox: str, now: float | None = None) -> None:
        self.last_poll.labels(mailbox).set(now if now is not None else time.time())
        self.source_up.labels(mailbox).set(1)

    def source_down(self, mailbox: str) -> None:
        self.source_up.labels(mailbox).set(0)

    def model(self, version: str, labels: int) -> None:
        self.model_info.info({"version": version or "none", "labels": str(labels)})
