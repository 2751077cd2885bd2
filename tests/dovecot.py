"""A private Dovecot on loopback for the IMAP tests (pytest plugin) and the IMAP benchmark.

One server per test session, each test gets its own user (and so its own Maildir), so tests
never see each other's mail. The server can be killed and started again on the same ports,
to test reconnects. Facts this relies on are in /work/shared/notes/test-servers.md.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from mailroute.config import load_config
from mailroute.wiring import App, build_app

MAIL_UID = 5000  # Dovecot refuses uid 0 for mail users
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


CONFIG = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = yes
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 200
first_valid_uid = {uid}
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {base}/users/%n
}}
userdb {{
  driver = passwd-file
  args = {base}/users/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # no growing per-IP delay after failed logins: the tests fail logins on purpose
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


@dataclass
class Dovecot:
    """A running private Dovecot. ``port`` is plain/STARTTLS, ``ssl_port`` implicit TLS."""

    base: Path
    port: int
    ssl_port: int
    host: str = "127.0.0.1"
    _ids = itertools.count(1)

    @property
    def conf(self) -> Path:
        return self.base / "dovecot.conf"

    @property
    def cert(self) -> Path:
        return self.base / "cert.pem"

    @classmethod
    def create(cls, base: Path) -> Dovecot:
        base.mkdir(parents=True, exist_ok=True)
        base.chmod(0o755)  # the auth (dovecot) and mail (uid 5000) processes must reach it
        server = cls(base, free_port(), free_port())
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-keyout", str(base / "key.pem"), "-out", str(server.cert)],
            check=True, capture_output=True,
        )
        (base / "users").mkdir(exist_ok=True)  # one passwd-file per user: no reload races
        (base / "homes").mkdir(exist_ok=True)
        server.conf.write_text(CONFIG.format(base=base, uid=MAIL_UID, port=server.port,
                                             ssl_port=server.ssl_port))
        subprocess.run(["doveconf", "-c", str(server.conf), "-n"], check=True,
                       capture_output=True)
        return server

    def start(self, timeout: float = 10.0) -> None:
        # the daemon keeps inherited pipes open: never capture its output
        subprocess.run([DOVECOT, "-c", str(self.conf)], check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not (_listening(self.port) and _listening(self.ssl_port)):
            if time.monotonic() > deadline:
                log = (self.base / "dovecot.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"dovecot did not start listening:\n{log}")
            time.sleep(0.02)

    def master_pid(self) -> int | None:
        try:
            return int((self.base / "run" / "master.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def kill(self, timeout: float = 10.0) -> None:
        """Kill the whole server at once (master and children): a crash, not a clean stop."""
        pid = self.master_pid()
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        # exited daemons are reaped late here: wait for the ports, then drop the stale pidfile
        deadline = time.monotonic() + timeout
        while _listening(self.port) or _listening(self.ssl_port):
            if time.monotonic() > deadline:
                raise RuntimeError("dovecot still listening after SIGKILL")
            time.sleep(0.02)
        (self.base / "run" / "master.pid").unlink(missing_ok=True)
        # A killed imap process leaves its dotlocks (dovecot-uidlist.lock). Dovecot takes one
        # over once the owner pid is gone, but dead processes are reaped late here, so a
        # restarted server may wait minutes. Every Dovecot process is dead: all are stale.
        for lock in (self.base / "homes").glob("*/Maildir/**/*.lock"):
            lock.unlink(missing_ok=True)

    def stop(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.conf), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while _listening(self.port) and time.monotonic() < deadline:
            time.sleep(0.02)

    def add_user(self, name: str | None = None, password: str = "secret") -> tuple[str, str]:
        """A new user with an empty Maildir (its own passwd-file, read at each login)."""
        name = name or f"user{next(self._ids)}"
        home = self.base / "homes" / name
        (home / "Maildir").mkdir(parents=True, exist_ok=True)
        for path in (home, home / "Maildir"):
            os.chown(path, MAIL_UID, MAIL_UID)
        line = f"{name}:{{PLAIN}}{password}:{MAIL_UID}:{MAIL_UID}::{home}::\n"
        (self.base / "users" / name).write_text(line)
        return name, password

    def client(self, user: str, password: str = "secret"):
        """A second, independent IMAP client (imapclient), logged in over plain loopback."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.login(user, password)
        return client


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A private Dovecot for the whole session (own base_dir, ports, users)."""
    if not shutil.which("dovecot") and not Path(DOVECOT).exists():
        pytest.fail("dovecot is not installed: run scripts/install-test-deps.sh")
    # not under pytest's tmp dir: its 0700 parents block Dovecot's unprivileged processes
    base = Path(tempfile.mkdtemp(prefix="mailroute-dovecot-"))
    server = Dovecot.create(base)
    server.start()
    yield server
    server.kill()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def imap_user(dovecot: Dovecot) -> tuple[str, str]:
    """A fresh user (name, password) with an empty mailbox on the session's Dovecot."""
    return dovecot.add_user()


# -- a mailroute project pointing at the private Dovecot ----------------------------------------

PASSWORD_ENV = "MAILROUTE_TEST_IMAP_PASSWORD"

RULES = """\
[[rule]]
name = "invoice"
when = { subject = "(?i)factuur|invoice" }
actions = [{ tag = "invoice" }, { move = "Finance/Invoices" }]

[[rule]]
name = "keep"
when = { subject = "(?i)^keep" }
actions = [{ tag = "kept" }]

[[rule]]
name = "unfilable"
when = { subject = "(?i)^unfilable" }
actions = [{ move = "~Nowhere" }]

[[rule]]
name = "default"
default = true
actions = [{ exceptions = "no rule for this category" }]
"""


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return str(value)


def write_imap_project(
    root: Path, server: Dovecot, user: str, *, daemon: dict | None = None, **mailbox: object
) -> Path:
    """A config.toml + rules (subject rules, no model needed) watching ``user``'s mailbox.

    Keyword arguments override ``[[mailboxes]]`` keys; the password comes from
    ``$MAILROUTE_TEST_IMAP_PASSWORD`` (set it with monkeypatch).
    """
    (root / "rules").mkdir(parents=True, exist_ok=True)
    (root / "rules" / "10-test.toml").write_text(RULES)
    box: dict[str, object] = {
        "type": "imap", "name": "shared", "host": server.host, "port": server.port,
        "tls": "plain", "username": user, "password": {"env": PASSWORD_ENV},
        "idle": False, "poll_interval_seconds": 0.2,
    }
    box.update(mailbox)
    box = {k: v for k, v in box.items() if v is not None}
    settings = {"max_attempts": 2, "retry_backoff_seconds": 0, **(daemon or {})}
    lines = ["[daemon]", *(f"{k} = {_toml(v)}" for k, v in settings.items()),
             "[store]", 'path = "var/mailroute.db"',
             "[classifier]", 'models_dir = "models"',
             # a short reload interval is also how often the daemon's main loop sees a stop
             "[rules]", 'dir = "rules"', "reload_interval_seconds = 0.2",
             "[metrics]", "enabled = false",
             "[[mailboxes]]", *(f"{k} = {_toml(v)}" for k, v in box.items())]
    config = root / "config.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.fixture
def apps() -> Iterator[list[App]]:
    """Apps a test builds with :func:`imap_app`, closed after it (a crashed one may be)."""
    made: list[App] = []
    yield made
    for app in made:
        with contextlib.suppress(Exception):
            app.close()


def imap_app(config: Path, apps: list[App]) -> App:
    """The real application for an IMAP project config, with a fresh metrics registry."""
    app = build_app(load_config(config), CollectorRegistry())
    apps.append(app)
    return app
