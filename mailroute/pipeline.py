"""One message through the stages: claim -> parse -> classify -> decide -> record -> act.

Data flows one way. The pure core decides; adapters (source, store, metrics) are passed in.
Every action is journalled as intended before it runs and marked done after, so a crash
at any point leaves a message to be resumed, never lost and never acted on twice.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .adapters.metrics import Metrics
from .adapters.sources.base import Source
from .adapters.store import Claim, Store, retry_time, utcnow
from .core.classify import Classification, Classifier
from .core.decide import EXCEPTION, Decision, Policy, decide
from .core.fields import FieldValue
from .core.llm_answer import Fallback
from .core.message import Message, RawMail
from .core.parse import parse
from .core.rules import Action, Rule

log = logging.getLogger("mailroute.pipeline")

SEND_KINDS = ("forward", "reply")
QUEUED_KINDS = ("webhook",)  # delivered later by their own sender, like sends


class Deferred(Exception):
    """Not decidable now (e.g. the LLM endpoint is down and ``on_unavailable = "retry"``):
    nothing is journalled, the message is retried with back-off."""


class LlmHooks(Protocol):
    """What the pipeline asks of the optional LLM tier (mailroute.adapters.llm.tier)."""

    def route(self, message: Message, classification: Classification | None,
              pk: int | None = None) -> Fallback: ...

    def extract(self, message: Message, label: str, pk: int | None = None
                ) -> tuple[str, tuple[FieldValue, ...]] | None: ...

    def summarize(self, message: Message, pk: int | None = None,
                  label: str | None = None) -> str | None: ...

    def has_schema(self, label: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one message in this attempt."""

    status: str  # done | exception | failed | error | skipped
    pk: int | None = None
    message: Message | None = None
    classification: Classification | None = None
    decision: Decision | None = None
    error: str = ""


def _action_from_row(row: dict[str, Any]) -> Action:
    params = json.loads(row.get("params") or "{}")
    return Action(
        row["kind"], target=row["target"] or "", to=tuple(params.get("to") or ()),
        mode=params.get("mode") or "", rule=row.get("rule") or "",
    )


def _unsure_reason(answer: Fallback, classification: Classification | None, error: str,
                   policy: Policy) -> str:
    if classification is None:
        return f"{answer.reason} (not classified: {error or 'no model'})"
    bar = policy.threshold_for(classification.label)
    return (f"{answer.reason} (classifier: {classification.label} "
            f"{classification.confidence:.2f} < {bar:.2f})")


def _asks_summary(decision: Decision, rules: Sequence[Rule]) -> bool:
    matched = {t.rule for t in decision.trace if t.matched}
    return any(r.summary and r.name in matched for r in rules)


class Pipeline:
    """Runs messages through the stages. One instance serves every mailbox."""

    def __init__(
        self,
        *,
        store: Store,
        classifier: Callable[[], Classifier | None],
        rules: Callable[[], Sequence[Rule]],
        policy: Policy,
        metrics: Metrics,
        max_attempts: int = 5,
        retry_backoff: float = 30.0,
        clock: Callable[[], datetime] = utcnow,
        llm: LlmHooks | None = None,
        llm_fallback: bool = True,
    ):
        self.store = store
        self.classifier = classifier
        self.rules = rules
        self.policy = policy
        self.metrics = metrics
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff
        self.clock = clock
        self.llm = llm
        self.llm_fallback = llm_fallback

    # -- stages --------------------------------------------------------------------------

    def classify(self, message: Message) -> tuple[Classification | None, str]:
        model = self.classifier()
        if model is None:
            return None, "no model loaded"
        if message.unparseable:
            return None, "nothing to classify"
        try:
            return model.classify(message), ""
        except Exception as exc:  # a model bug must not lose the message
            log.exception("classifier failed on %s/%s", message.mailbox, message.source_id)
            return None, f"classifier error: {type(exc).__name__}"

    def needs_fallback(self, message: Message, classification: Classification | None) -> bool:
        """The LLM is asked only when the classifier is missing or below the label's bar."""
        if self.llm is None or not self.llm_fallback or message.unparseable:
            return False
        return classification is None or (
            classification.confidence < self.policy.threshold_for(classification.label))

    def wants_llm(self, raw: RawMail) -> bool:
        """Whether processing ``raw`` will probably call the LLM (for the concurrent runner)."""
        if self.llm is None:
            return False
        message = parse(raw)
        classification, _ = self.classify(message)
        if self.needs_fallback(message, classification):
            return True
        return classification is not None and self.llm.has_schema(classification.label)

    def decide(self, message: Message, pk: int | None = None
               ) -> tuple[Classification | None, Decision]:
        started = time.perf_counter()
        classification, error = self.classify(message)
        started = self.metrics.observe_stage("classify", started)
        unsure: tuple[str, str] | None = None
        fields: dict[str, FieldValue] = {}
        if self.llm is not None:
            if self.needs_fallback(message, classification):
                answer = self.llm.route(message, classification, pk)
                if answer.wait:
                    raise Deferred(answer.reason)
                if answer.classification is not None:
                    classification = answer.classification
                else:
                    unsure = (answer.code, _unsure_reason(answer, classification, error,
                                                          self.policy))
            confident = classification is not None and (
                classification.confidence >= self.policy.threshold_for(classification.label))
            if confident and not message.unparseable:
                extracted = self.llm.extract(message, classification.label, pk)
                if extracted:
                    fields = {f.name: f for f in extracted[1]}
            started = self.metrics.observe_stage("llm", started)
        rules = self.rules()
        decision = decide(message, classification, rules, self.policy,
                          classify_error=error, fields=fields, unsure=unsure)
        self.metrics.observe_stage("decide", started)
        if self.llm is not None and _asks_summary(decision, rules):
            self.llm.summarize(message, pk, classification.label if classification else None)
        return classification, decision

    # -- one message ---------------------------------------------------------------------

    def process(self, raw: RawMail, source: Source) -> Outcome:
        started = time.perf_counter()
        claim = self.store.claim(raw, self.clock())
        if claim is None:
            return Outcome("skipped")
        try:
            outcome = self._run(raw, source, claim)
        except Exception as exc:  # store or adapter bug: leave it claimed for a retry
            log.exception("mailbox=%s id=%s failed", raw.mailbox, raw.source_id)
            self.metrics.errors.labels(raw.mailbox, "pipeline").inc()
            outcome = self._failed(raw, source, claim, f"{type(exc).__name__}: {exc}")
        if outcome.status in ("done", "exception", "error"):
            source.finished(raw)
            self.metrics.processing.labels(raw.mailbox).observe(time.perf_counter() - started)
            self.metrics.handled(raw.mailbox, raw.received_at, self.clock())
        self._log(raw, outcome)
        return outcome

    def _run(self, raw: RawMail, source: Source, claim: Claim) -> Outcome:
        message = classification = decision = None
        if claim.actions:  # a previous attempt journalled its decision: resume it
            rows = list(claim.actions)
        else:
            parse_started = time.perf_counter()
            message = parse(raw)
            self.metrics.observe_stage("parse", parse_started)
            try:
                classification, decision = self.decide(message, claim.pk)
            except Deferred as exc:
                return self._failed(raw, source, claim, f"deferred: {exc}", message)
            self.store.record_decision(claim.pk, message, classification, decision,
                                       now=self.clock())
            rows = self.store.actions_of(claim.pk)
        act_started = time.perf_counter()
        error = self._act(raw, source, rows, resuming=bool(claim.actions))
        self.metrics.observe_stage("act", act_started)
        if error:
            return self._failed(raw, source, claim, error, message, classification, decision)
        row = self.store.message_row(claim.pk) or {}
        status = "exception" if row.get("outcome") == EXCEPTION else "done"
        self.store.finish(claim.pk, status, self.clock())
        self._count(raw.mailbox, row, status)
        return Outcome(status, claim.pk, message, classification, decision)

    def _act(
        self, raw: RawMail, source: Source, rows: Sequence[dict[str, Any]], *, resuming: bool
    ) -> str:
        """Carry out journalled actions in order; stop at the first failure."""
        for row in rows:
            if row["state"] in ("done", "queued", "skipped", "sending", "uncertain"):
                continue  # sending/uncertain: the SMTP sender has it; re-queueing could send twice
            if row["state"] == "failed" and row["kind"] in SEND_KINDS:
                continue  # the sender gave up after its own retries: final, not re-queued
            action = _action_from_row(row)
            if action.kind in QUEUED_KINDS:
                self.store.set_action(row["id"], "queued", result="waiting for a sender",
                                      now=self.clock())
                self.metrics.actions.labels(raw.mailbox, action.kind, "queued").inc()
                continue
            if action.kind in SEND_KINDS:
                self.store.enqueue_send(row["id"], row["message"], raw.data, self.clock())
                self.metrics.actions.labels(raw.mailbox, action.kind, "queued").inc()
                continue
            if resuming and source.reconcile(
                raw.folder, raw.source_id, action
            ):
                self.store.set_action(row["id"], "done", result="reconciled: already done")
                self.metrics.actions.labels(raw.mailbox, action.kind, "reconciled").inc()
                continue
            try:
                result = source.apply(raw, action)
            except Exception as exc:
                error = f"{action.kind} failed: {type(exc).__name__}: {exc}"
                self.store.set_action(row["id"], "failed", error=error)
                self.metrics.actions.labels(raw.mailbox, action.kind, "failed").inc()
                self.metrics.errors.labels(raw.mailbox, "act").inc()
                return error
            self.store.set_action(row["id"], "done", result=result)
            self.metrics.actions.labels(raw.mailbox, action.kind, "done").inc()
        return ""

    def _failed(
        self, raw: RawMail, source: Source, claim: Claim, error: str,
        message: Message | None = None, classification: Classification | None = None,
        decision: Decision | None = None,
    ) -> Outcome:
        """Retry later with back-off; after ``max_attempts`` hand it to a human."""
        now = self.clock()
        if claim.attempts < self.max_attempts:
            retry_at = retry_time(now, self.retry_backoff, claim.attempts)
            self.store.fail(claim.pk, error, retry_at, now)
            return Outcome("failed", claim.pk, message, classification, decision, error)
        reason = f"gave up after {claim.attempts} attempts: {error}"
        action = Action("exceptions", target=reason)
        action_id = self.store.add_action(claim.pk, action, now)
        try:
            result = source.apply(raw, action)
        except Exception as exc:
            self.store.set_action(action_id, "failed", error=str(exc))
            failure = f"{reason}; exceptions route failed: {exc}"
            self.store.finish(claim.pk, "error", now, error=failure)
            self.metrics.messages.labels(raw.mailbox, "", "rule", "error").inc()
            return Outcome("error", claim.pk, message, classification, decision, reason)
        self.store.set_action(action_id, "done", result=result)
        self.store.set_outcome(claim.pk, EXCEPTION, "failed", reason)
        self.store.finish(claim.pk, "exception", now, error=error)
        row = self.store.message_row(claim.pk) or {}
        self._count(raw.mailbox, row, "exception")
        return Outcome("exception", claim.pk, message, classification, decision, reason)

    # -- after a crash -------------------------------------------------------------------

    def reconcile(self, source: Source) -> int:
        """Finish messages a crash left half-done whose message has already left the inbox.

        Messages still in place are simply resumed by the next fetch.
        """
        fixed = 0
        for row in self.store.unfinished(source.name):
            if source.contains(row["folder"], row["source_id"]):
                continue
            # sends live in the outbox with their own states; only mailbox actions are settled
            pending = [a for a in row["actions"]
                       if a["state"] in ("intended", "failed") and a["kind"] not in SEND_KINDS]
            terminal = [a for a in pending if a["kind"] in ("move", "exceptions")]
            if terminal and source.reconcile(row["folder"], row["source_id"],
                                             _action_from_row(terminal[-1])):
                for action in pending:
                    done = action is terminal[-1]
                    self.store.set_action(
                        action["id"], "done" if done else "skipped",
                        result="reconciled after restart" if done else "",
                        error="" if done else "message left the inbox before this ran",
                    )
                msg = self.store.message_row(row["id"]) or {}
                status = "exception" if msg.get("outcome") == EXCEPTION else "done"
                self.store.finish(row["id"], status, self.clock())
                self._count(source.name, msg, status)
            else:
                self.store.finish(row["id"], "error", self.clock(),
                                  error="message left the mailbox before it was handled")
                self.metrics.errors.labels(source.name, "reconcile").inc()
            fixed += 1
        return fixed

    # -- reporting -----------------------------------------------------------------------

    def _count(self, mailbox: str, row: dict[str, Any], status: str) -> None:
        label = row.get("label") or "none"
        if row.get("confidence") is not None:
            self.metrics.confidence.labels(label).observe(row["confidence"])
        self.metrics.messages.labels(mailbox, label, row.get("tier") or "rule",
                                     "exception" if status == "exception" else "routed").inc()
        if status == "exception":
            self.metrics.exceptions.labels(mailbox, row.get("exception_code") or "rule").inc()
        else:  # handled without a human: counts towards the hours-saved KPI
            self.metrics.automated(mailbox, label)

    def _log(self, raw: RawMail, outcome: Outcome) -> None:
        if outcome.status == "skipped":
            return
        row = self.store.message_row(outcome.pk) if outcome.pk else None
        row = row or {}
        actions = ", ".join(
            f"{a['kind']} {a['target']}".strip() if a["kind"] != "exceptions" else "exceptions"
            for a in self.store.actions_of(outcome.pk or 0)
        )
        confidence = row.get("confidence")
        level = logging.INFO if outcome.status in ("done", "exception") else logging.WARNING
        log.log(
            level,
            "message handled",
            extra={
                "fields": {
                    "mailbox": raw.mailbox,
                    "id": raw.source_id,
                    "msg": outcome.pk,  # the store row: `mailroute audit` and the export
                    "subject": (row.get("subject") or "")[:120],
                    "category": row.get("label") or "-",
                    "confidence": round(confidence, 3) if confidence is not None else None,
                    "tier": row.get("tier") or "-",
                    "rule": row.get("rule") or "-",
                    "actions": actions or "-",
                    "status": outcome.status,
                    **({"error": outcome.error} if outcome.error else {}),
                }
            },
        )
