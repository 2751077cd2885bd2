"""The ``webhook`` action: a JSON POST of the message's decision, extracted fields and
summary to a configured endpoint (``[webhooks.NAME]``), e.g. an RPA or ERP intake.

Like sends, a webhook is journalled as ``queued`` by the pipeline and delivered here, off the
mailbox thread, with retries and back-off. Each POST carries ``Idempotency-Key:
mailroute-<action id>``, so a receiver can drop the duplicate a crash between a successful
POST and its ``done`` mark could cause.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ...config.llm import WebhookSection
from ..store import Store, iso, utcnow
from .metrics import LlmMetrics

log = logging.getLogger("mailroute.webhook")

MESSAGE_KEYS = ("id", "mailbox", "message_id", "subject", "sender", "received_at", "label",
                "confidence", "tier", "rule", "outcome")


def payload(store: Store, action: Mapping[str, Any]) -> dict[str, Any]:
    """What a webhook receives: the message's decision, its fields, and its summary."""
    msg = store.message_row(int(action["message"])) or {}
    fields: dict[str, Any] = {}
    for row in store.fields_of(int(action["message"])):
        fields[row["name"]] = {"value": row["value"], "status": row["status"],
                               "schema": row["schema"]}
    return {
        "action": action["id"],
        "rule": action.get("rule") or "",
        "message": {k: msg.get(k) for k in MESSAGE_KEYS},
        "fields": fields,
        "summary": msg.get("summary"),
    }


def _tries(action: Mapping[str, Any]) -> int:
    """POSTs made so far: the pipeline's ``queued`` mark counts as the action's first write."""
    return max(0, (action["attempts"] or 0) - 1)


class WebhookSender:
    """Delivers queued ``webhook`` actions; ``run`` in its own thread, or ``run_once``."""

    def __init__(self, store: Store, webhooks: Mapping[str, WebhookSection],
                 metrics: LlmMetrics | None = None,
                 clock: Callable[[], datetime] = utcnow, interval: float = 1.0):
        self.store = store
        self.webhooks = dict(webhooks)
        self.metrics = metrics
        self.clock = clock
        self.interval = interval

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("webhook sender failed; retrying")
            stop.wait(self.interval)

    def run_once(self) -> dict[str, int]:
        counts = {"done": 0, "retry": 0, "failed": 0}
        now = self.clock()
        for action in self.store.queued_actions(["webhook"]):
            hook = self.webhooks.get(action["target"])
            if hook is None:
                self._finish(action, "failed", error=f"webhook {action['target']!r} is not "
                             f"configured (add [webhooks.{action['target']}] to config)")
                counts["failed"] += 1
                continue
            if not self._due(action, hook, now):
                continue
            result = self._post(hook, action)
            if result.startswith("HTTP 2"):
                self._finish(action, "done", result=result)
                counts["done"] += 1
            elif _tries(action) + 1 >= hook.max_attempts:
                self._finish(action, "failed",
                             error=f"gave up after {hook.max_attempts} attempts: {result}")
                counts["failed"] += 1
            else:
                self.store.set_action(action["id"], "queued", result="waiting for a retry",
                                      error=result, now=now)
                counts["retry"] += 1
                if self.metrics:
                    self.metrics.webhooks.labels("retry").inc()
        return counts

    def _due(self, action: Mapping[str, Any], hook: WebhookSection, now: datetime) -> bool:
        tries = _tries(action)
        if tries == 0:
            return True
        wait = hook.backoff_seconds * 2 ** (tries - 1)
        return iso(now) >= iso(datetime.fromisoformat(action["updated_at"])
                               + timedelta(seconds=min(wait, 3600.0)))

    def _post(self, hook: WebhookSection, action: Mapping[str, Any]) -> str:
        body = json.dumps(payload(self.store, action), default=str).encode("utf-8")
        headers = {"Content-Type": "application/json",
                   "Idempotency-Key": f"mailroute-{action['id']}",
                   "User-Agent": "mailroute-webhook"}
        if hook.token is not None:
            try:
                headers["Authorization"] = f"Bearer {hook.token.reveal().get_secret_value()}"
            except ValueError as exc:
                return f"token: {exc}"
        request = urllib.request.Request(str(hook.url), data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=hook.timeout_seconds) as response:
                return f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"{type(exc).__name__}: {reason}"

    def _finish(self, action: Mapping[str, Any], state: str, *, result: str = "",
                error: str = "") -> None:
        self.store.set_action(action["id"], state, result=result, error=error, now=self.clock())
        if self.metrics:
            self.metrics.webhooks.labels(state).inc()
        if error:
            log.warning("webhook failed", extra={"fields": {
                "action": action["id"], "webhook": action["target"], "error": error}})
