"""Prometheus metrics of the LLM tier, on a registry passed in.

Labels are bounded: purpose (classify, summary, extract), outcome (a fixed set), token
direction, budget window and kind.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LLM_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120)
CIRCUIT_STATES = {"closed": 0, "half_open": 1, "open": 2}


class LlmMetrics:
    """Calls, tokens, latency, cost, budget left and circuit state of the LLM tier."""

    def __init__(self, registry: CollectorRegistry):
        self.calls = Counter(
            "mailroute_llm_calls_total",
            "LLM calls by purpose and outcome (ok, cached, unsure, invalid, refused, "
            "unavailable, budget, circuit_open, error).",
            ["purpose", "outcome"], registry=registry,
        )
        self.tokens = Counter(
            "mailroute_llm_tokens_total", "Tokens used, by purpose and direction (in, out).",
            ["purpose", "direction"], registry=registry,
        )
        self.latency = Histogram(
            "mailroute_llm_request_seconds", "Latency of LLM calls that reached the endpoint.",
            ["purpose"], buckets=LLM_BUCKETS, registry=registry,
        )
        self.cost = Counter(
            "mailroute_llm_cost_estimate_total",
            "Estimated cost from the configured per-token prices (currency of the prices).",
            ["purpose"], registry=registry,
        )
        self.budget_remaining = Gauge(
            "mailroute_llm_budget_remaining",
            "Calls or tokens left in the rolling window (-1: no limit).",
            ["window", "kind"], registry=registry,
        )
        self.circuit = Gauge(
            "mailroute_llm_circuit_state",
            "Circuit breaker state: 0 closed, 1 half-open, 2 open.", registry=registry,
        )
        self.attachments = Counter(
            "mailroute_llm_attachment_texts_total",
            "Attachment text extractions by kind (pdf, docx, text, html, image) and result.",
            ["kind", "result"], registry=registry,
        )
        self.webhooks = Counter(
            "mailroute_webhook_posts_total", "Webhook deliveries by result.",
            ["result"], registry=registry,
        )

    def set_circuit(self, state: str) -> None:
        self.circuit.set(CIRCUIT_STATES.get(state, 0))
