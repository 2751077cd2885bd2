"""TLS and login against a real aiosmtpd: STARTTLS + AUTH, implicit TLS, refusals.

The server certificate is self-signed for 127.0.0.1 (openssl); the sender trusts it through
``smtp.ca_file``.
"""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.smtp_server import SmtpServer
from tests.test_smtp_sender import Project

USER, PASSWORD = "triage", "s3cret-wachtwoord"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    crt, key = folder / "server.crt", folder / "server.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(crt)],
        check=True, capture_output=True, timeout=60,
    )
    return crt, key


def server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert[0]), str(cert[1]))
    return context


def logged(caplog) -> str:
    """Log messages with their structured fields, as the formatters print them."""
    return "\n".join(f"{r.getMessage()} {getattr(r, 'fields', {})}" for r in caplog.records)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


def tls_project(tmp_path: Path, port: int, tls: str, cert_path: Path | None,
                monkeypatch) -> Project:
    monkeypatch.setenv("MR_TEST_SMTP_PASSWORD", PASSWORD)
    extra = (f'username = "{USER}"\npassword = {{ env = "MR_TEST_SMTP_PASSWORD" }}\n'
             + (f'ca_file = "{cert_path}"\n' if cert_path else ""))
    proj = Project(tmp_path, port, extra)
    text = proj.config_path.read_text().replace('tls = "plain"', f'tls = "{tls}"')
    proj.config_path.write_text(text)
    proj.app.close()
    proj.app = proj.build()
    return proj


def test_starttls_with_login(tmp_path, cert, monkeypatch):
    server = SmtpServer(tls_context=server_context(cert), require_starttls=True,
                        authenticator=authenticator, auth_required=True).start()
    proj = tls_project(tmp_path, server.port, "starttls", cert[0], monkeypatch)
    try:
        proj.deliver(subject="Doorsturen bijlage: via tls")
        proj.queue()
        assert proj.send() == {"sent": 1}
        assert server.messages[0].rcpt_tos == ("team@example.nl",)
    finally:
        proj.app.close()
        server.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls(tmp_path, cert, monkeypatch):
    # aiosmtpd does not count implicit TLS as TLS for AUTH: the link is encrypted anyway
    server = SmtpServer(ssl_context=server_context(cert), authenticator=authenticator,
                        auth_required=True, auth_require_tls=False).start()
    proj = tls_project(tmp_path, server.port, "implicit", cert[0], monkeypatch)
    try:
        proj.deliver(subject="Melding via implicit tls", sender="jan@example.org")
        proj.queue()
        assert proj.send() == {"sent": 1}
        assert server.messages[0].rcpt_tos == ("jan@example.org",)
    finally:
        proj.app.close()
        server.stop()


def test_wrong_password_keeps_sends_queued(tmp_path, cert, monkeypatch, caplog):
    server = SmtpServer(tls_context=server_context(cert), require_starttls=True,
                        authenticator=authenticator, auth_required=True).start()
    proj = tls_project(tmp_path, server.port, "starttls", cert[0], monkeypatch)
    monkeypatch.setenv("MR_TEST_SMTP_PASSWORD", "wrong")  # read again on each connection
    try:
        proj.deliver(subject="Doorsturen bijlage: fout wachtwoord")
        proj.queue()
        assert proj.send() == {}
        [row] = proj.sends()
        assert (row["state"], row["attempts"]) == ("queued", 0)
        assert proj.metric("mailroute_smtp_up") == 0
        assert "login as triage refused: 535" in proj.app.sender.last_error
        assert "wrong" not in proj.app.sender.last_error + logged(caplog)
        monkeypatch.setenv("MR_TEST_SMTP_PASSWORD", PASSWORD)
        proj.clock.advance(seconds=11)
        assert proj.send() == {"sent": 1}
    finally:
        proj.app.close()
        server.stop()


def test_untrusted_certificate_is_refused(tmp_path, cert, monkeypatch, caplog):
    server = SmtpServer(tls_context=server_context(cert), require_starttls=True).start()
    proj = tls_project(tmp_path, server.port, "starttls", None, monkeypatch)  # no ca_file
    try:
        proj.deliver(subject="Doorsturen bijlage: onbekend certificaat")
        proj.queue()
        assert proj.send() == {}
        assert server.messages == []
        assert "CERTIFICATE_VERIFY_FAILED" in proj.app.sender.last_error
        assert "CERTIFICATE_VERIFY_FAILED" in logged(caplog)
        assert [a["state"] for a in proj.sends()] == ["queued"]
    finally:
        proj.app.close()
        server.stop()


def test_starttls_required_but_not_offered(tmp_path, monkeypatch, caplog, smtpd):
    proj = tls_project(tmp_path, smtpd.port, "starttls", None, monkeypatch)
    try:
        proj.deliver(subject="Doorsturen bijlage: geen tls")
        proj.queue()
        assert proj.send() == {}
        assert "does not offer STARTTLS" in proj.app.sender.last_error
        assert smtpd.messages == []
    finally:
        proj.app.close()
