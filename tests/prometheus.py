"""Fixtures: ``promtool``, a running daemon on a Maildir, and a real Prometheus on loopback.

Prometheus and promtool come from the Debian package ``prometheus``, installed by
scripts/install-test-deps.sh (``make test``).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mailroute.daemon import Daemon
from mailroute.wiring import App


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} not found: run scripts/install-test-deps.sh "
                    "(Debian package prometheus)")
    return path


@pytest.fixture(scope="session")
def promtool() -> str:
    return _tool("promtool")


def http_get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    """GET ``url``: (status, body), also for 4xx/5xx answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@dataclass
class Running:
    """A daemon running in a thread, with its metrics URL."""

    app: App
    daemon: Daemon
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        assert self.daemon.server is not None
        host, port = self.daemon.server.address
        return f"http://{host}:{port}"


@pytest.fixture
def run_daemon() -> Iterator[Callable[[App], Running]]:
    """Start ``Daemon(app).run()`` in a thread; stops and joins it at teardown."""
    from tests.conftest import wait_for

    running: list[Running] = []

    def start(app: App) -> Running:
        daemon = Daemon(app)
        thread = threading.Thread(target=daemon.run, name="daemon", daemon=True)
        thread.start()
        assert wait_for(lambda: daemon.server is not None, timeout=10), "metrics never started"
        item = Running(app, daemon, thread)
        running.append(item)
        return item

    yield start
    for item in running:
        item.daemon.stop.set()
        item.thread.join(timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrometheusServer:
    """A private Prometheus scraping given targets every second."""

    def __init__(self, workdir: Path, targets: list[str], rule_files: list[Path] = ()):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        rules = "".join(f"  - {p}\n" for p in rule_files)
        config = workdir / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            + (f"rule_files:\n{rules}" if rules else "")
            + "scrape_configs:\n  - job_name: mailroute\n    static_configs:\n"
            + f"      - targets: {json.dumps(targets)}\n",
            encoding="utf-8",
        )
        self.log = (workdir / "prometheus.log").open("wb")
        self.proc = subprocess.Popen(
            [_tool("prometheus"), f"--config.file={config}",
             f"--storage.tsdb.path={workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir,
        )

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"prometheus exited with {self.proc.returncode}")
        try:
            return http_get(f"{self.url}/-/ready", timeout=1)[0] == 200
        except OSError:
            return False

    def query(self, expr: str) -> dict:
        """The ``data`` of an instant query; raises with Prometheus' error text on failure."""
        status, body = http_get(f"{self.url}/api/v1/query?"
                                + urllib.parse.urlencode({"query": expr}))
        answer = json.loads(body)
        if status != 200 or answer.get("status") != "success":
            raise AssertionError(f"{expr}: {answer.get('errorType')}: {answer.get('error')}")
        return answer["data"]

    def query_api(self, path: str) -> dict:
        """The ``data`` of another API endpoint, e.g. ``/api/v1/rules``."""
        status, body = http_get(f"{self.url}{path}")
        assert status == 200, body
        return json.loads(body)["data"]

    def value(self, expr: str) -> float | None:
        """The single value of a scalar-like query, or ``None`` when it has no result."""
        result = self.query(expr)["result"]
        return float(result[0]["value"][1]) if result else None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.log.close()


@pytest.fixture
def prometheus_server(tmp_path: Path) -> Iterator[Callable[..., PrometheusServer]]:
    """Factory: ``prometheus_server(["127.0.0.1:PORT"])`` starts one and waits until ready."""
    from tests.conftest import wait_for

    servers: list[PrometheusServer] = []

    def start(targets: list[str], rule_files: list[Path] = ()) -> PrometheusServer:
        workdir = tmp_path / f"prometheus{len(servers)}"
        workdir.mkdir()
        server = PrometheusServer(workdir, targets, list(rule_files))
        servers.append(server)
        assert wait_for(server.ready, timeout=20, interval=0.05), "prometheus never got ready"
        return server

    yield start
    for server in servers:
        server.stop()
