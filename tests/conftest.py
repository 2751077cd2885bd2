"""Shared fixtures: a private project (config, rules, Maildir, store) per test, real adapters."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from mailroute.config import load_config
from mailroute.wiring import App, build_app

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

pytest_plugins = ["tests.smtp_server"]  # the loopback SMTP server fixtures (smtpd)
pytest_plugins += ["tests.openai_server"]  # the loopback OpenAI-compatible server (LLM tier)
pytest_plugins += ["tests.prometheus"]  # promtool and a loopback Prometheus server
pytest_plugins += ["tests.classifier_fixtures"]  # small labelled corpora (classifier, eval)
pytest_plugins += ["tests.dovecot"]  # a private Dovecot on loopback (IMAP source)


def make_mail(
    subject: str = "Factuur 2026-0413",
    body: str = "Hierbij de factuur voor de geleverde diensten. Graag betalen binnen 30 dagen.",
    sender: str = "Boekhouding <facturen@drukkerij-vandam.nl>",
    to: str = "facturen@example-verzekeringen.nl",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    html: str | None = None,
) -> bytes:
    """A well-formed message as bytes; attachments are (filename, mime type, payload)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 3, 10, 12, tzinfo=UTC))
    msg["Message-ID"] = message_id or f"<{time.time_ns()}@test.example>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, mime, payload in attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample model, trained once per test session from the shipped corpus."""
    from mailroute.adapters.corpus import load_labelled
    from mailroute.adapters.model_files import data_hash, save_model
    from mailroute.core.classify import train
    from mailroute.core.parse import parse

    items = load_labelled(SAMPLES / "corpus")
    pipeline, report = train([parse(raw) for _, raw in items], [label for label, _ in items])
    target = tmp_path_factory.mktemp("models")
    save_model(pipeline, report, target, source="samples/corpus",
               dataset_hash=data_hash([(label, raw.data) for label, raw in items]))
    return target


@pytest.fixture
def project(tmp_path: Path, models_dir: Path) -> Path:
    """A private copy of the shipped rules and config, with the trained sample model."""
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    shutil.copytree(models_dir, tmp_path / "models")
    config = (REPO / "config.toml").read_text(encoding="utf-8")
    config = config.replace("port = 9464", "port = 0")
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    return tmp_path


@pytest.fixture
def make_app(project: Path) -> Callable[..., App]:
    """Build the real application from the project's config, with a fresh metrics registry."""
    apps: list[App] = []

    def build(config_path: Path | None = None) -> App:
        app = build_app(load_config(config_path or project / "config.toml"), CollectorRegistry())
        apps.append(app)
        return app

    yield build
    for app in apps:
        with contextlib.suppress(Exception):
            app.close()


def wait_for(predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.02):
    """Poll ``predicate`` until it is truthy or ``timeout`` passes; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
