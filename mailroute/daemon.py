"""The long-running loop: one watcher thread per mailbox, signals, reloads, clean stop."""

from __future__ import annotations

import contextlib
import logging
import random
import signal
import threading

from .adapters.http import MetricsServer
from .adapters.kpi import unfinished_count
from .adapters.retention import Pruner
from .adapters.sources.base import Source
from .errors import AuthError
from .runner import process_all
from .wiring import App, policy_from

log = logging.getLogger("mailroute.daemon")

RECONNECT_MIN = 1.0
RECONNECT_MAX = 300.0
AUTH_RETRY = 300.0


class Daemon:
    """Watches every configured mailbox until ``stop`` is set (SIGTERM, SIGINT)."""

    def __init__(self, app: App, stop: threading.Event | None = None):
        self.app = app
        self.stop = stop or threading.Event()
        self._reload = threading.Event()
        self.server: MetricsServer | None = None
        self.pruner = Pruner(app.store, app.config.store.retention_days, app.metrics)

    # -- lifecycle -----------------------------------------------------------------------

    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.stop.set())
        signal.signal(signal.SIGINT, lambda *_: self.stop.set())
        signal.signal(signal.SIGHUP, lambda *_: self._reload.set())

    def start_metrics(self) -> None:
        cfg = self.app.config.metrics
        if cfg.enabled:
            self.server = MetricsServer(cfg.host, cfg.port, self.app.registry,
                                        self.app.readiness).start()
            host, port = self.server.address
            log.info("metrics listening", extra={"fields": {"url": f"http://{host}:{port}/metrics"}})

    def run(self) -> None:
        """Run until stopped. Each mailbox has its own thread: one stuck server stalls no other."""
        self.start_metrics()
        threads = [
            threading.Thread(target=self._watch, args=(s,), name=f"watch-{s.name}", daemon=True)
            for s in self.app.sources
        ]
        if self.app.sender is not None:  # its own thread: a slow SMTP server stalls no mailbox
            threads.append(threading.Thread(target=self.app.sender.run, args=(self.stop,),
                                            name="sender", daemon=True))
        # human corrections in routed IMAP folders, each on its own connection and interval
        threads += [threading.Thread(target=w.run, args=(self.stop,), name=f"corrections-{w.name}",
                                     daemon=True) for w in self.app.watchers]
        if self.app.webhooks is not None:  # queued webhook actions, off the mailbox threads
            threads.append(threading.Thread(target=self.app.webhooks.run, args=(self.stop,),
                                            name="webhooks", daemon=True))
        log.info("mailroute started", extra={"fields": {
            "mailboxes": ",".join(s.name for s in self.app.sources) or "-",
            "rules": len(self.app.rules.current()),
            "model": self.app.model().version if self.app.model() else "none",
        }})
        for thread in threads:
            thread.start()
        interval = max(0.2, self.app.config.rules.reload_interval_seconds or 2.0)
        self.pruner.maybe_run()  # at start, then hourly
        while not self.stop.wait(interval):  # wakes at once on stop, not at the next interval
            self.pruner.maybe_run()
            if self._reload.is_set():  # SIGHUP
                self._reload.clear()
                self.app.rules.maybe_reload(force=True)
            else:
                self.reload_if_changed()
        log.info("stopping: finishing the messages in hand")
        for thread in threads:
            thread.join(timeout=30)
        if self.server:
            self.server.stop()
        self.app.close()
        log.info("mailroute stopped")

    def reload_if_changed(self) -> None:
        if self.app.config.rules.reload_interval_seconds:
            self.app.rules.maybe_reload()
        if self.app.model.maybe_reload():
            self.app.pipeline.policy = policy_from(self.app.config, self.app.model)

    # -- one mailbox ---------------------------------------------------------------------

    def run_once(self, source: Source) -> int:
        """Connect if needed, then process everything the source has now. Returns the count."""
        if not self.app.connected.get(source.name):
            source.connect()
            self.app.connected[source.name] = True
            self.app.ever_connected.add(source.name)
            self.app.pipeline.reconcile(source)
        # LLM-bound messages run in the bounded LLM pool (see runner.py), the rest right here
        count = process_all(self.app.pipeline, source, self.app.llm_pool, self.stop)
        self.app.metrics.polled(source.name)
        self.app.metrics.backlog.labels(source.name).set(unfinished_count(self.app.store,
                                                                          source.name))
        return count

    def _watch(self, source: Source) -> None:
        delay = RECONNECT_MIN
        while not self.stop.is_set():
            try:
                self.run_once(source)
                delay = RECONNECT_MIN
                source.wait(self.stop)
            except AuthError as exc:
                self.app.metrics.auth_failures.labels(source.name).inc()
                self._down(source, "authentication failed", exc)
                self.stop.wait(AUTH_RETRY)
            except Exception as exc:
                self._down(source, "mailbox error", exc)
                self.stop.wait(delay * (0.5 + random.random()))
                delay = min(RECONNECT_MAX, delay * 2)

    def _down(self, source: Source, what: str, exc: Exception) -> None:
        self.app.connected[source.name] = False
        self.app.metrics.source_down(source.name)
        self.app.metrics.errors.labels(source.name, "source").inc()
        log.error(what, extra={"fields": {"mailbox": source.name, "error": str(exc)}})
        with contextlib.suppress(Exception):
            source.close()


def process_available(app: App) -> int:
    """Process what every mailbox holds right now, once (``mailroute run --once``, tests)."""
    daemon = Daemon(app)
    total = 0
    for source in app.sources:
        total += daemon.run_once(source)
    if app.sender is not None:  # deliver what this run queued (and anything still waiting)
        app.sender.recover()
        app.sender.run_once()
    if app.webhooks is not None:
        app.webhooks.run_once()
    for watcher in app.watchers:  # one look for corrections, then let go of the connection
        try:
            watcher.scan()
        finally:
            watcher.close()
    return total


