"""Messages through the stages: claim -> parse -> classify -> decide -> record -> act.

Data flows one way. The pure core decides; adapters (source, store, metrics) are passed in.
Every action is journalled as intended before it runs and marked done after, so a crash
at any point leaves a message to be resumed, never lost and never acted on twice. The
messages of one fetch go through together (see ``Pipeline.process_batch``); each keeps
its own journal and fate.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .acting import SEND_KINDS, Actor, Journal, action_from_row
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


@dataclass(slots=True)
class _Work:
    """One new message of a batch on its way through the stages."""

    index: int
    raw: RawMail
    claim: Claim
    message: Message | None = None
    classification: Classification | None = None
    error: str = ""  # why there is no classification
    decision: Decision | None = None
    journal: Journal | None = None

    def summary(self) -> dict[str, Any]:
        """What the log line and the counters need, as the store row would have it."""
        c, d = self.classification, self.decision
        return {
            "subject": self.message.subject if self.message else "",
            "label": c.label if c else None, "confidence": c.confidence if c else None,
            "tier": d.tier if d else None, "rule": d.rule if d else None,
            "exception_code": (d.code or None) if d else None,
            "actions": [{"kind": a.kind, "target": a.target} for a in d.actions] if d else [],
        }


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
        self.actor = Actor(store, metrics, lambda: self.clock())

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

    def decide(self, message: Message, pk: int | None = None, *,
               classified: tuple[Classification | None, str] | None = None,
               ) -> tuple[Classification | None, Decision]:
        """Classify (unless ``classified`` already holds the result and why it is None),
        ask the LLM tier when configured and unsure, then apply the rules."""
        started = time.perf_counter()
        if classified is None:
            classification, error = self.classify(message)
            started = self.metrics.observe_stage("classify", started)
        else:
            classification, error = classified
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

    # -- messages ------------------------------------------------------------------------

    def process(self, raw: RawMail, source: Source) -> Outcome:
        """Handle one message (a batch of one)."""
        return self.process_batch([raw], source)[0]

    def process_batch(self, raws: Sequence[RawMail], source: Source,
                      pool: Executor | None = None) -> list[Outcome]:
        """Handle messages fetched together; one outcome per message, in order.

        Each message keeps its own journal and fate (one failing never holds back the
        others). What a batch shares is cost: claims, decisions and results are written in
        one transaction per stage, the classifier sees the batch at once, and the source
        carries out each round of actions in as few commands as it can.

        With a ``pool`` (and the LLM tier on), messages the LLM will be asked about finish
        in the pool, one each, while the rest of the batch goes on; ``source`` must then be
        safe to call from several threads (``runner.LockedSource``).
        """
        started = time.perf_counter()
        now = self.clock()
        with self.store.transaction():
            claims = [self.store.claim(raw, now) for raw in raws]
        outcomes: list[Outcome | None] = [None] * len(raws)
        fresh: list[_Work] = []
        for i, (raw, claim) in enumerate(zip(raws, claims, strict=True)):
            if claim is None:
                outcomes[i] = Outcome("skipped")
            elif claim.actions:  # a previous attempt journalled its decision: resume it
                self._guard([_Work(i, raw, claim)], source, outcomes, self._resume)
            else:
                fresh.append(_Work(i, raw, claim))
        pending: list[Future] = []
        try:
            if fresh and self._guard(fresh, source, outcomes, self._prepare):
                slow = {w.index for w in fresh if pool is not None and self._llm_bound(w)}
                pending = [pool.submit(self._guard, [w], source, outcomes,  # type: ignore[union-attr]
                                       self._complete) for w in fresh if w.index in slow]
                self._guard([w for w in fresh if w.index not in slow], source, outcomes,
                            self._complete)
        finally:
            for future in pending:  # the batch ends when its slowest message does
                future.result()
        work = {w.index: w for w in fresh}
        elapsed = time.perf_counter() - started
        for i, raw in enumerate(raws):
            outcome = outcomes[i] or Outcome("failed", error="not processed")
            outcomes[i] = outcome
            if outcome.status in ("done", "exception", "error"):
                source.finished(raw)
                self.metrics.processing.labels(raw.mailbox).observe(elapsed)
                self.metrics.handled(raw.mailbox, raw.received_at, self.clock())
            w = work.get(i)
            self._log(raw, outcome, w.summary() if w and outcome.status in ("done", "exception")
                      else None)
        return outcomes  # type: ignore[return-value]

    def _guard(self, work: list[_Work], source: Source, outcomes: list[Outcome | None],
               stage: Callable[..., None]) -> bool:
        """Run ``stage`` over ``work``; on a store or adapter bug, every message of it not
        yet settled fails (claimed, retried later). Never raises; False when it failed."""
        if not work:
            return True
        try:
            stage(work, source, outcomes)
            return True
        except Exception as exc:
            log.exception("mailbox=%s batch of %d failed", source.name, len(work))
            for w in work:
                if outcomes[w.index] is None:
                    self.metrics.errors.labels(w.raw.mailbox, "pipeline").inc()
                    outcomes[w.index] = self._failed(
                        w.raw, source, w.claim, f"{type(exc).__name__}: {exc}", w.message)
            return False

    def _llm_bound(self, w: _Work) -> bool:
        """Will finishing ``w`` ask the LLM (fallback routing or field extraction)?"""
        if self.llm is None or w.message is None:
            return False
        if self.needs_fallback(w.message, w.classification):
            return True
        return w.classification is not None and self.llm.has_schema(w.classification.label)

    def _resume(self, work: list[_Work], source: Source,
                outcomes: list[Outcome | None]) -> None:
        """Finish earlier attempts' journals, one message at a time (each action is
        reconciled first: it may have taken effect before a crash)."""
        for w in work:
            act_started = time.perf_counter()
            error = self.actor.resume(w.raw, source, w.claim.actions)
            self.metrics.observe_stage("act", act_started)
            if error:
                outcomes[w.index] = self._failed(w.raw, source, w.claim, error)
                continue
            row = self.store.message_row(w.claim.pk) or {}
            status = "exception" if row.get("outcome") == EXCEPTION else "done"
            self.store.finish(w.claim.pk, status, self.clock())
            self._count(w.raw.mailbox, row, status)
            outcomes[w.index] = Outcome(status, w.claim.pk)

    def _prepare(self, work: list[_Work], source: Source,
                 outcomes: list[Outcome | None]) -> None:
        """parse -> classify, the batch at once."""
        started = time.perf_counter()
        for w in work:
            w.message = parse(w.raw)
        started = self.metrics.observe_stage("parse", started, len(work))
        self._classify_batch(work)
        self.metrics.observe_stage("classify", started, len(work))

    def _complete(self, work: list[_Work], source: Source,
                  outcomes: list[Outcome | None]) -> None:
        """decide -> record (one transaction) -> act (in rounds) -> finish."""
        for w in work:
            assert w.message is not None
            try:
                w.classification, w.decision = self.decide(
                    w.message, w.claim.pk, classified=(w.classification, w.error))
            except Deferred as exc:
                outcomes[w.index] = self._failed(w.raw, source, w.claim, f"deferred: {exc}",
                                                 w.message)
            except Exception as exc:
                log.exception("mailbox=%s id=%s failed", w.raw.mailbox, w.raw.source_id)
                self.metrics.errors.labels(w.raw.mailbox, "pipeline").inc()
                outcomes[w.index] = self._failed(w.raw, source, w.claim,
                                                 f"{type(exc).__name__}: {exc}", w.message)
        live = [w for w in work if outcomes[w.index] is None]
        now = self.clock()
        with self.store.transaction():  # the batch's journal: committed before any action
            for w in live:
                assert w.message is not None and w.decision is not None
                ids = self.store.record_decision(w.claim.pk, w.message, w.classification,
                                                 w.decision, now=now)
                w.journal = Journal(w.raw, [
                    {"id": action_id, "message": w.claim.pk, "kind": a.kind,
                     "target": a.target, "rule": a.rule, "state": "intended",
                     "params": json.dumps({"to": list(a.to), "mode": a.mode})}
                    for action_id, a in zip(ids, w.decision.actions, strict=True)])
        started = time.perf_counter()
        self.actor.run([w.journal for w in live if w.journal], source)
        self.metrics.observe_stage("act", started, len(live))
        done = [w for w in live if w.journal and not w.journal.error]
        now = self.clock()
        with self.store.transaction():
            for w in done:
                assert w.decision is not None
                status = "exception" if w.decision.outcome == EXCEPTION else "done"
                self.store.finish(w.claim.pk, status, now)
                outcomes[w.index] = Outcome(status, w.claim.pk, w.message, w.classification,
                                            w.decision)
        for w in done:
            self._count(w.raw.mailbox, w.summary(), outcomes[w.index].status)  # type: ignore[union-attr]
        for w in live:
            if w.journal and w.journal.error:
                outcomes[w.index] = self._failed(w.raw, source, w.claim, w.journal.error,
                                                 w.message, w.classification, w.decision)

    def _classify_batch(self, work: list[_Work]) -> None:
        model = self.classifier()
        todo = [w for w in work if w.message is not None and not w.message.unparseable]
        for w in work:
            w.error = "no model loaded" if model is None else "nothing to classify"
        if model is None or not todo:
            return
        try:
            results = model.classify_many([w.message for w in todo])  # type: ignore[misc]
        except Exception:  # one odd message must not cost the batch: one at a time
            for w in todo:
                w.classification, w.error = self.classify(w.message)  # type: ignore[arg-type]
            return
        for w, result in zip(todo, results, strict=True):
            w.classification, w.error = result, ""

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
            if row["actions"] and not pending:  # every action ran; only the finish was lost
                msg = self.store.message_row(row["id"]) or {}
                status = "exception" if msg.get("outcome") == EXCEPTION else "done"
                self.store.finish(row["id"], status, self.clock())
                self._count(source.name, msg, status)
            elif terminal and source.reconcile(row["folder"], row["source_id"],
                                             action_from_row(terminal[-1])):
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

    def _log(self, raw: RawMail, outcome: Outcome, row: dict[str, Any] | None = None) -> None:
        """One line per handled message; ``row`` (subject, label, actions...) saves reading
        them back from the store."""
        if outcome.status == "skipped":
            return
        level = logging.INFO if outcome.status in ("done", "exception") else logging.WARNING
        if not log.isEnabledFor(level):
            return
        if row is None:
            row = (self.store.message_row(outcome.pk) if outcome.pk else None) or {}
            row["actions"] = self.store.actions_of(outcome.pk or 0)
        actions = ", ".join(
            f"{a['kind']} {a['target']}".strip() if a["kind"] != "exceptions" else "exceptions"
            for a in row["actions"]
        )
        confidence = row.get("confidence")
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
