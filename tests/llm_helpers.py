"""A small world for the LLM tier's tests: real store, real Maildir, real rules, the real
``openai`` client against the loopback server, and a classifier whose answer the test sets
(so tests do not depend on the sample corpus being finished)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from mailroute.adapters.llm.build import build_llm
from mailroute.adapters.llm.tier import LlmTier
from mailroute.adapters.metrics import Metrics
from mailroute.adapters.rule_files import load_rules
from mailroute.adapters.sources.maildir import MaildirSource, deliver
from mailroute.adapters.store import Store
from mailroute.config.load import parse_config
from mailroute.core.classify import Classification
from mailroute.core.decide import Policy
from mailroute.core.message import Message
from mailroute.pipeline import Outcome, Pipeline

REPO = Path(__file__).resolve().parent.parent
LABELS = ["invoice", "claim", "policy_change", "job_application", "complaint",
          "general_question"]


class FixedClassifier:
    """The cheap tier with a chosen answer: ``label`` at ``confidence``."""

    def __init__(self, label: str = "claim", confidence: float = 0.3):
        self.label = label
        self.confidence = confidence
        self.labels = tuple(LABELS)
        self.version = "fixed-test"
        self.by_subject: dict[str, tuple[str, float]] = {}  # subject word -> answer

    def classify(self, message: Message) -> Classification:
        label, confidence = next(
            (answer for word, answer in self.by_subject.items() if word in message.subject),
            (self.label, self.confidence))
        others = [(lbl, round((1 - confidence) / 5, 3)) for lbl in LABELS if lbl != label][:2]
        return Classification(label, confidence, tuple(others), self.version)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class World:
    root: Path
    store: Store
    pipeline: Pipeline
    source: MaildirSource
    tier: LlmTier
    classifier: FixedClassifier
    registry: CollectorRegistry
    clock: Clock
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self, data: bytes) -> Outcome:
        """Deliver ``data`` to the inbox and process everything there; the last outcome."""
        deliver(self.source.root, data)
        return self.process()

    def process(self) -> Outcome:
        out = [self.pipeline.process(raw, self.source) for raw in self.source.fetch()]
        self.outcomes += out
        return out[-1] if out else Outcome("skipped")

    def row(self, outcome: Outcome) -> dict[str, Any]:
        return self.store.message_row(outcome.pk) or {}

    def actions(self, outcome: Outcome) -> list[tuple[str, str]]:
        return [(a["kind"], a["target"]) for a in self.store.actions_of(outcome.pk)]

    def calls(self, outcome: Outcome | None = None) -> list[dict[str, Any]]:
        if outcome is None:
            return list(self.store.db.query("SELECT * FROM llm_calls ORDER BY id"))
        return self.tier.ledger.calls_of(outcome.pk)

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0

    def close(self) -> None:
        self.tier.client.close()
        self.store.close()


def make_world(tmp_path: Path, server: Any, *, llm: dict[str, Any] | None = None,
               extra_rules: str = "", label: str = "claim", confidence: float = 0.3,
               threshold: float = 0.6) -> World:
    """Build the pipeline with the LLM tier pointed at ``server``."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules_dir)
    if extra_rules:
        (rules_dir / "05-test.toml").write_text(extra_rules, encoding="utf-8")
    settings: dict[str, Any] = {
        "enabled": True, "base_url": server.base_url, "model": "test-model",
        "max_retries": 0, "timeout_seconds": 5, "categories": LABELS,
        "extract": False,  # the routing tests count calls; test_llm_fields turns it on
    }
    settings.update(llm or {})
    config = parse_config(
        {"store": {"path": str(tmp_path / "store.db")}, "rules": {"dir": str(rules_dir)},
         "llm": settings},
        str(tmp_path / "config.toml"), tmp_path,
    )
    registry = CollectorRegistry()
    store = Store(config.store.path)
    clock = Clock()
    classifier = FixedClassifier(label, confidence)
    rules = load_rules(rules_dir)
    tier = build_llm(config, store, registry, lambda: LABELS, lambda: rules)
    assert tier is not None
    tier.ledger.clock = clock
    pipeline = Pipeline(
        store=store, classifier=lambda: classifier, rules=lambda: rules,
        policy=Policy(threshold=threshold), metrics=Metrics(registry),
        max_attempts=3, retry_backoff=60, clock=clock, llm=tier,
    )
    source = MaildirSource("box", tmp_path / "maildir", create=True,
                           finished_ids=store.finished_ids)
    source.connect()
    return World(tmp_path, store, pipeline, source, tier, classifier, registry, clock)
