"""The LLM tier as the pipeline sees it: route, extract, summarise one message.

Every call goes: cache -> budget -> circuit breaker -> endpoint, and leaves one
``llm_calls`` row (hashes always, full text only with ``audit_full_text``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...config.llm import LlmSection
from ...core.classify import Classification
from ...core.fields import ExtractionSchema, FieldValue, validate_fields
from ...core.llm_answer import Fallback, Verdict, check_fields, check_label, check_summary
from ...core.llm_prompt import (
    Prompt,
    PromptTemplate,
    classify_prompt,
    extract_prompt,
    mail_text,
    summary_prompt,
)
from ...core.message import Message
from ...core.pii import Pseudonyms, pseudonymize, restore
from .attachments import TextExtractor, joined
from .breaker import CircuitBreaker
from .client import LlmClient, LlmError, LlmUnavailable
from .ledger import Budget, Ledger, max_cost, sha256
from .metrics import LlmMetrics

log = logging.getLogger("mailroute.llm")

# validation code -> exception code of the message (a bounded metric label)
EXCEPTION_CODES = {
    "unsure": "llm_unsure", "invalid_label": "llm_invalid", "malformed": "llm_invalid",
    "empty": "llm_invalid", "refused": "llm_refused", "unavailable": "llm_unavailable",
    "circuit_open": "llm_unavailable", "budget": "llm_budget", "error": "llm_error",
    "excluded": "llm_excluded",
}


@dataclass(frozen=True, slots=True)
class CallResult:
    """One call's answer text (``None`` when there is none) and its outcome code."""

    text: str | None
    code: str
    detail: str = ""


class LlmTier:
    """Fallback routing, field extraction and summaries for one process."""

    def __init__(
        self,
        *,
        config: LlmSection,
        client: LlmClient,
        ledger: Ledger,
        metrics: LlmMetrics,
        templates: Mapping[str, PromptTemplate],
        labels: Callable[[], Sequence[str]],
        schemas: Callable[[], Mapping[str, ExtractionSchema]] = dict,
        extractor: TextExtractor | None = None,
        breaker: CircuitBreaker | None = None,
        context: Callable[[Message], Mapping[str, str]] | None = None,
        descriptions: Mapping[str, str] | None = None,
    ):
        self.config = config
        self.client = client
        self.ledger = ledger
        self.metrics = metrics
        self.templates = templates
        self.labels = labels
        self.schemas = schemas
        self.extractor = extractor
        self.context = context or (lambda message: {})
        self.descriptions = dict(descriptions or {})
        self.breaker = breaker or CircuitBreaker(
            config.circuit.failures, config.circuit.reset_seconds,
            on_change=metrics.set_circuit)
        metrics.set_circuit(self.breaker.state)
        b = config.budget
        self.budget = Budget(
            ledger, calls_per_hour=b.calls_per_hour, calls_per_day=b.calls_per_day,
            tokens_per_hour=b.tokens_per_hour, tokens_per_day=b.tokens_per_day,
            on_remaining=lambda w, k, v: metrics.budget_remaining.labels(w, k).set(v))

    # -- what the pipeline calls ---------------------------------------------------------

    def excluded(self, classification: Classification | None) -> str:
        """A category kept away from the LLM that this message may belong to, or ``""``."""
        banned = set(self.config.exclude_categories)
        if not banned or classification is None:
            return ""
        candidates = [(classification.label, classification.confidence),
                      *classification.alternatives]
        # a plausible runner-up counts too: an unsure HR mail must not leak either
        for label, p in candidates:
            if label in banned and (label == classification.label or p >= 0.2):
                return label
        return ""

    def route(self, message: Message, classification: Classification | None,
              pk: int | None = None) -> Fallback:
        """Ask the LLM for a label among the configured categories only."""
        labels = [label for label in self.labels() if label not in
                  set(self.config.exclude_categories)]
        banned = self.excluded(classification)
        if banned:
            self.metrics.calls.labels("classify", "excluded").inc()
            return Fallback(code="llm_excluded",
                            reason=f"category {banned} is kept away from the LLM")
        if not labels:
            return Fallback(code="llm_error", reason="LLM fallback: no categories configured")
        data, _ = self._data(message)
        prompt = classify_prompt(self.templates["classify"], data, labels,
                                 self.descriptions, context=self.context(message))
        verdict: Verdict | None = None

        def validate(text: str | None, refusal: str | None) -> str:
            nonlocal verdict
            verdict = check_label(text, labels, refusal)
            return verdict.code

        result = self._call(prompt, pk, validate)
        if result.code == "ok" and verdict is not None and verdict.label:
            alternatives = ((classification.label, classification.confidence),
                            *classification.alternatives) if classification else ()
            return Fallback(Classification(
                verdict.label, 1.0, alternatives=alternatives[:3],
                model_version=f"llm:{self.client.model}:{prompt.template_version}", tier="llm"))
        code = EXCEPTION_CODES.get(result.code, "llm_error")
        detail = (verdict.detail if verdict else "") or result.detail
        reason = f"LLM fallback {result.code}: {detail}".rstrip(": ")
        wait = code == "llm_unavailable" and self.config.on_unavailable == "retry"
        return Fallback(code=code, reason=reason, wait=wait)

    def extract(self, message: Message, label: str, pk: int | None = None
                ) -> tuple[str, tuple[FieldValue, ...]] | None:
        """Fill and validate the schema for ``label``; ``None`` when there is no schema."""
        if not self.config.extract or label in self.config.exclude_categories:
            return None
        schema = next((s for s in self.schemas().values() if label in s.categories), None)
        if schema is None:
            return None
        extra = ""
        if self.extractor is not None:
            texts = self.extractor.extract_all(message)
            if pk is not None and texts:
                self.ledger.save_attachment_texts(pk, texts)
            extra = joined(texts, self.extractor.config.max_chars)
        data, names = self._data(message, extra)
        specs = [(f.name, f.type, f.description) for f in schema.fields]
        prompt = extract_prompt(self.templates["extract"], data, specs,
                                context=self.context(message))
        raw: dict[str, str | None] | None = None

        def validate(text: str | None, refusal: str | None) -> str:
            nonlocal raw
            if refusal:
                return "refused"
            raw, problem = check_fields(text, [f.name for f in schema.fields])
            return "ok" if raw is not None else ("empty" if problem == "empty answer"
                                                 else "malformed")

        result = self._call(prompt, pk, validate)
        if raw is None:
            fields = tuple(FieldValue(f.name, None, "missing", f"extraction {result.code}")
                           for f in schema.fields)
        else:
            restored = {k: restore(v, names.mapping) if v else v for k, v in raw.items()}
            fields = validate_fields(schema, restored)
        if pk is not None:
            self.ledger.save_fields(pk, schema.name, fields)
        return schema.name, fields

    def has_schema(self, label: str) -> bool:
        return self.config.extract and label not in self.config.exclude_categories and any(
            label in s.categories for s in self.schemas().values())

    def summarize(self, message: Message, pk: int | None = None,
                  label: str | None = None) -> str | None:
        """A short summary in the mail's language, stored with the message."""
        if label in self.config.exclude_categories:
            self.metrics.calls.labels("summary", "excluded").inc()
            return None
        data, names = self._data(message)
        prompt = summary_prompt(self.templates["summary"], data, self.config.summary_words,
                                context=self.context(message))
        found: dict[str, str] = {}

        def validate(text: str | None, refusal: str | None) -> str:
            if refusal:
                return "refused"
            summary, _ = check_summary(text)
            if summary is None:
                return "malformed"
            found["summary"] = summary
            return "ok"

        self._call(prompt, pk, validate)
        summary = found.get("summary")
        if summary is None:
            return None
        summary = restore(summary, names.mapping)
        if pk is not None:
            self.ledger.save_summary(pk, summary, message.language, prompt.template_version)
        return summary

    # -- one call ------------------------------------------------------------------------

    def _data(self, message: Message, extra: str = "") -> tuple[str, Pseudonyms]:
        text = mail_text(message, extra, self.config.max_input_chars)
        if self.config.pseudonymize:
            return pseudonymize(text)
        return text, Pseudonyms()

    def _call(self, prompt: Prompt, pk: int | None,
              validate: Callable[[str | None, str | None], str]) -> CallResult:
        purpose = prompt.purpose
        key = sha256(f"{self.client.model}\n{prompt.sha256}")
        row: dict[str, Any] = {
            "message": pk, "purpose": purpose, "model": self.client.model,
            "template_version": prompt.template_version, "prompt_sha256": prompt.sha256,
            "tokens_in": 0, "tokens_out": 0, "latency_seconds": 0.0, "cost": 0.0, "cached": 0,
        }
        if self.config.audit_full_text:
            row["prompt"] = prompt.text
        hit = self.ledger.cached(key)
        if hit is not None:
            code = validate(hit["response"], None)
            self._record(row, code, hit["response"], cached=1)
            self.metrics.calls.labels(purpose, "cached").inc()
            return CallResult(hit["response"], code)
        # the schema travels too (some servers put it in the prompt): count it as a message
        reserved = max_cost([*(m["content"] for m in prompt.messages),
                             json.dumps(dict(prompt.schema))], self.client.max_tokens)
        over = self.budget.reserve(reserved)
        if over:
            self._record(row, "budget", None)
            return CallResult(None, "budget", over)
        try:
            return self._send(prompt, row, key, validate)
        finally:  # after the call is recorded: its real usage replaces the reservation
            self.budget.release(reserved)

    def _send(self, prompt: Prompt, row: dict[str, Any], key: str,
              validate: Callable[[str | None, str | None], str]) -> CallResult:
        purpose = prompt.purpose
        if not self.breaker.allow():
            self._record(row, "circuit_open", None)
            return CallResult(None, "circuit_open", "LLM endpoint down (circuit open)")
        started = time.perf_counter()
        try:
            answer = self.client.complete(prompt)
        except LlmUnavailable as exc:
            self.breaker.failure()
            row["latency_seconds"] = time.perf_counter() - started
            self._record(row, "unavailable", None)
            log.warning("LLM unavailable", extra={"fields": {"purpose": purpose,
                                                             "error": str(exc)}})
            return CallResult(None, "unavailable", str(exc))
        except LlmError as exc:
            self.breaker.success()  # it answered: the endpoint is up, the request is wrong
            row["latency_seconds"] = time.perf_counter() - started
            self._record(row, "error", None)
            log.error("LLM error", extra={"fields": {"purpose": purpose, "error": str(exc)}})
            return CallResult(None, "error", str(exc))
        self.breaker.success()
        latency = time.perf_counter() - started
        prices = self.config.prices
        cost = (answer.tokens_in * prices.input_per_million
                + answer.tokens_out * prices.output_per_million) / 1_000_000
        row.update(tokens_in=answer.tokens_in, tokens_out=answer.tokens_out,
                   latency_seconds=latency, cost=cost)
        code = validate(answer.text, answer.refusal)
        response = answer.text if answer.text is not None else f"refusal: {answer.refusal}"
        self._record(row, code, response)
        self.metrics.latency.labels(purpose).observe(latency)
        self.metrics.tokens.labels(purpose, "in").inc(answer.tokens_in)
        self.metrics.tokens.labels(purpose, "out").inc(answer.tokens_out)
        self.metrics.cost.labels(purpose).inc(cost)
        if code == "ok" and answer.text is not None:
            self.ledger.cache(key, purpose, answer.text, answer.tokens_in, answer.tokens_out)
        return CallResult(answer.text, code, answer.refusal or "")

    def _record(self, row: dict[str, Any], outcome: str, response: str | None,
                cached: int = 0) -> None:
        row = {**row, "outcome": outcome, "cached": cached,
               "response_sha256": sha256(response) if response is not None else None}
        if cached:
            row.update(tokens_in=0, tokens_out=0, cost=0.0)
        if self.config.audit_full_text and response is not None:
            row["response"] = response
        self.ledger.record(**row)
        if not cached:
            self.metrics.calls.labels(row["purpose"], outcome).inc()
