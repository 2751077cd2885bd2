"""Build the application from config: the only place that knows every adapter."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry

from .adapters.corrections import CorrectionMetrics
from .adapters.kpi import CorrectionsCollector
from .adapters.llm.webhook import WebhookSender
from .adapters.metrics import Metrics
from .adapters.model_files import current_version, load_model, thresholds_for
from .adapters.rule_files import TEMPLATES_DIR, RuleBook, webhooks_of
from .adapters.sender import Sender, SenderMetrics
from .adapters.sources.base import Source
from .adapters.sources.maildir import MaildirSource
from .adapters.store import Store
from .adapters.templates import Templates
from .adapters.transports import api_routes
from .config import Config
from .config.exchange import EwsMailbox, GraphMailbox
from .config.imap import ImapMailbox
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
    ever_connected: set[str] = field(default_factory=set)
    sender: Sender | None = None  # the SMTP outbox worker, when smtp.enabled
    llm: object | None = None  # the LLM tier (adapters/llm/tier.py), when llm.enabled
    webhooks: WebhookSender | None = None  # delivers queued webhook actions, when configured
    llm_pool: ThreadPoolExecutor | None = None  # bounded LLM concurrency (runner.py)
    watchers: list = field(default_factory=list)  # IMAP correction watchers (correction_watch)

    def readiness(self) -> dict[str, bool]:
        """``/readyz``: config loaded, store writable, rules in force, and every source
        connected at least once (a later outage shows in ``mailroute_source_up``, not here)."""
        checks = {"config": True, "store_writable": self.store.writable(),
                  "rules": bool(self.rules.current())}
        for source in self.sources:
            checks[f"source:{source.name}"] = (
                source.name in self.ever_connected or self.connected.get(source.name, False)
            )
        return checks

    def close(self) -> None:
        for source in self.sources:
            try:
                source.close()
            except Exception:
                log.exception("closing %s", source.name)
        if self.llm_pool is not None:
            self.llm_pool.shutdown(wait=True)
        self.store.close()


def policy_from(config: Config, model: ModelHolder) -> Policy:
    cls = config.classifier
    # a precision target picks the model's cross-validated thresholds; bare ones override
    learned = (thresholds_for(model.metadata, cls.target_precision, cls.label_target_precision)
               if cls.target_precision or cls.label_target_precision else model.thresholds())
    label_thresholds = {**learned, **cls.label_thresholds}
    return Policy(
        threshold=config.classifier.threshold,
        label_thresholds=label_thresholds,
        exceptions_folder=config.exceptions.folder,
    )


def build_source(mailbox, config: Config, store: Store,
                 registry: CollectorRegistry | None = None) -> Source:
    if isinstance(mailbox, EwsMailbox | GraphMailbox):
        from .adapters.sources.exchange_common import exchange_metrics

        # imported here: exchangelib and msal are heavy and only Exchange mailboxes need them
        if isinstance(mailbox, EwsMailbox):
            from .adapters.sources.ews import EwsSource as ExchangeSource
        else:
            from .adapters.sources.graph import GraphSource as ExchangeSource
        return ExchangeSource(mailbox, store, exchange_metrics(registry),
                              exceptions_folder=config.exceptions.folder)
    if isinstance(mailbox, ImapMailbox):
        from .adapters.sources.imap import ImapSource

        return ImapSource(mailbox, store, exceptions_folder=config.exceptions.folder)
    if isinstance(mailbox, MaildirMailbox):
        return MaildirSource(
            mailbox.name, mailbox.path, poll_interval=mailbox.poll_interval_seconds,
            create=mailbox.create, exceptions_folder=config.exceptions.folder,
            finished_ids=store.finished_ids,
        )
    raise ConfigError(f"mailbox {mailbox.name}: type {mailbox.type!r} is not supported yet")


def build_sender(config: Config, store: Store, registry: CollectorRegistry) -> Sender | None:
    """The outbox worker, or None when ``smtp.enabled`` is false and no Exchange mailbox
    sends through its own API (``send_via``): then sends stay queued."""
    smtp = config.smtp
    routes = api_routes(config.mailboxes, store, registry)
    if not smtp.enabled and not routes:
        return None
    if smtp.enabled and smtp.password is not None:
        try:
            smtp.password.reveal()  # fail at start, not at the first send
        except ValueError as exc:
            raise ConfigError(f"{config.source_path or 'config'}: smtp.password: {exc}") from None
    templates = Templates(config.rules.dir / TEMPLATES_DIR)
    return Sender(store, smtp, templates, SenderMetrics(registry), routes=routes)


def build_app(config: Config, registry: CollectorRegistry | None = None) -> App:
    """Wire adapters around the core. Raises ConfigError/RuleError/StoreError on bad input."""
    registry = registry or CollectorRegistry()
    metrics = Metrics(registry)
    metrics.set_manual_minutes(config.kpi.manual_minutes)
    for mailbox in config.mailboxes:
        metrics.init_mailbox(mailbox.name)
    store = Store(config.store.path)
    registry.register(CorrectionsCollector(store))
    CorrectionMetrics(registry, store, config.classifier.corrections_window_days)
    rules = RuleBook(
        config.rules.dir,
        on_reload=lambda ok, count: (
            metrics.rules_reload.labels("ok" if ok else "refused").inc(),
            metrics.rules_loaded.set(count),
        ),
        webhooks=webhooks_of(config),
    )
    model = ModelHolder(config.classifier.models_dir, metrics)
    llm = None
    if config.llm.enabled:  # imported here: openai, pypdf... are only needed then
        from .adapters.llm.build import build_llm

        llm = build_llm(config, store, registry,
                        lambda: model().labels if model() is not None else (), rules.current)
    pipeline = Pipeline(
        store=store,
        classifier=model,
        rules=rules.current,
        policy=policy_from(config, model),
        metrics=metrics,
        max_attempts=config.daemon.max_attempts,
        retry_backoff=config.daemon.retry_backoff_seconds,
        llm=llm,
        llm_fallback=config.llm.fallback,
    )
    sources = [build_source(m, config, store, registry) for m in config.mailboxes]
    app = App(config, registry, metrics, store, rules, model, pipeline, sources)
    app.sender = build_sender(config, store, registry)
    if any(getattr(m, "corrections", None) for m in config.mailboxes):
        from .adapters.correction_watch import build_watchers  # imapclient only when needed

        app.watchers = build_watchers(config.mailboxes, store, rules.current,
                                      config.exceptions.folder)
    app.llm = llm
    if llm is not None and config.llm.concurrency > 1:
        app.llm_pool = ThreadPoolExecutor(config.llm.concurrency, thread_name_prefix="llm")
    if config.webhooks:
        app.webhooks = WebhookSender(store, config.webhooks)
    return app
