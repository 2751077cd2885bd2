"""The metrics port: ``/metrics`` for Prometheus, ``/healthz`` and ``/readyz`` for probes."""

from __future__ import annotations

import errno
import json
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from ..errors import MailrouteError

Readiness = Callable[[], dict[str, bool]]


class _Handler(BaseHTTPRequestHandler):
    registry: CollectorRegistry
    readiness: Readiness

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._send(200, generate_latest(self.registry), CONTENT_TYPE_LATEST)
        elif path == "/healthz":
            self._send(200, b"ok\n", "text/plain; charset=utf-8")
        elif path == "/readyz":
            checks = self.readiness()
            ok = all(checks.values())
            body = json.dumps({"ready": ok, "checks": checks}).encode() + b"\n"
            self._send(200 if ok else 503, body, "application/json")
        else:
            self._send(404, b"not found\n", "text/plain; charset=utf-8")

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # scrapes are not news
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # a scraper that hangs up mid-response is not an error worth a traceback
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class MetricsServer:
    """A small threaded HTTP server; ``port`` 0 picks a free one (see ``address``)."""

    def __init__(self, host: str, port: int, registry: CollectorRegistry, readiness: Readiness):
        handler = type("Handler", (_Handler,), {"registry": registry,
                                                 "readiness": staticmethod(readiness)})
        try:
            self._server = _Server((host, port), handler)
        except OSError as exc:
            raise MailrouteError(
                f"metrics.host/metrics.port: cannot listen on {host}:{port}: {exc.strerror}"
                + (" (is another mailroute running?)" if exc.errno == errno.EADDRINUSE else "")
            ) from None
        self._thread = threading.Thread(target=self._server.serve_forever, name="metrics",
                                        daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> MetricsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
