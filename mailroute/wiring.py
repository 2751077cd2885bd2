"""Build the application from config: the only place that knows every adapter."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry

from .adapters.metrics import Metrics
from .adapters.model_files import current_version, load_model
from .adapters.rule_files import RuleBook
from .adapters.sources.base import Source
from .adapters.sources.maildir import MaildirSource
from .adapters.store import Store
from .config import Config
from .config.sources import MaildirMailbox
from .core.classify import Classifier
from .core.decide import Policy
from .errors import ConfigError, ModelError
from .pipeline import Pipeline

log = logging.getLogger("mailroute")


class ModelHolder:
    """The classifier in use; follows ``models/current`` so retrain/rollback need no restart."""

    def __init__(self, models_dir: Path, metrics: Metrics | None = None):
        self.models_dir = Path(models_dir)
        self.metrics = metrics
        self._lock = threading.Lock()
        self._model: Classifier | None = None
        self._version: str | None = None
        self.metadata: dict = {}
        self.error = ""
        self.maybe_reload()

    def __call__(self) -> Classifier | None:
        return self._model

    def maybe_reload(self) -> bool:
        with self._lock:
            try:
                version = current_version(self.models_dir)
            except OSError:
                version = None
            if version == self._version and (self._model is not None or version is None):
                return False
            try:
                self._model, self.metadata = load_model(self.models_dir, version)
                self.error = ""
            except ModelError as exc:
                self.error = str(exc)
                log.error("no usable model: messages go to exceptions",
                          extra={"fields": {"error": self.error}})
                self._model = None
            self._version = version
            if self.metrics:
                self.metrics.model(self._model.version if self._model else "",
                                   len(self._model.labels) if self._model else 0)
            return self._model is not None

    def thresholds(self) -> dict[str, float]:
        return dict(self.metadata.get("thresholds", {}))


@dataclass
class App:
    """Everything the daemon and the CLI commands work with."""

    config: Config
    registry: CollectorRegistry
    metrics: Metrics
    store: Store
    rules: RuleBook
    model: ModelHolder
    pipeline: Pipeline
    sources: list[Source] = field(default_factory=list)
    connected: dict[str, bool] = field(default_factory=dict)

    def readiness(self) -> dict[str, bool]:
        checks = {"config": True, "store_writable": self.store.writable(),
                  "rules": bool(self.rules.current())}
        for source in self.sources:
            checks[f"source:{source.name}"] = self.connected.get(source.name, False)
        return checks

    def close(self) -> None:
        for source in self.sources:
            try:
                source.close()
            except Exception:
                log.exception("closing %s", source.name)
        self.store.close()


def policy_from(config: Config, model: ModelHolder) -> Policy:
    label_thresholds = {**model.thresholds(), **config.classifier.label_thresholds}
    return Policy(
        threshold=config.classifier.threshold,
        label_thresholds=label_thresholds,
        exceptions_folder=config.exceptions.folder,
    )


def build_source(mailbox, config: Config, store: Store) -> Source:
    if isinstance(mailbox, MaildirMailbox):
        return MaildirSource(
            mailbox.name, mailbox.path, poll_interval=mailbox.poll_interval_seconds,
            create=mailbox.create, exceptions_folder=config.exceptions.folder,
            finished_ids=store.finished_ids,
        )
    raise ConfigError(f"mailbox {mailbox.name}: type {mailbox.type!r} is not supported yet")


def build_app(config: Config, registry: CollectorRegistry | None = None) -> App:
    """Wire adapters around the core. Raises ConfigError/RuleError/StoreError on bad input."""
    registry = registry or CollectorRegistry()
    metrics = Metrics(registry)
    store = Store(config.store.path)
    rules = RuleBook(
        config.rules.dir,
        on_reload=lambda ok, count: (
            metrics.rules_reload.labels("ok" if ok else "refused").inc(),
            metrics.rules_loaded.set(count),
        ),
    )
    model = ModelHolder(config.classifier.models_dir, metrics)
    pipeline = Pipeline(
        store=store,
        classifier=model,
        rules=rules.current,
        policy=policy_from(config, model),
        metrics=metrics,
        max_attempts=config.daemon.max_attempts,
        retry_backoff=config.daemon.retry_backoff_seconds,
    )
    sources = [build_source(m, config, store) for m in config.mailboxes]
    return App(config, registry, metrics, store, rules, model, pipeline, sources)
