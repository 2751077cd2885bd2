"""Opening an authenticated IMAP connection: TLS mode, timeouts, password or XOAUTH2.

Low-level errors become :class:`SourceError` (network, TLS, protocol) or :class:`AuthError`
(credentials refused or unavailable), each naming the mailbox and the server. Secrets and
tokens are read here, on every connect, and never logged.
"""

from __future__ import annotations

import imaplib
import socket
import ssl
import subprocess
from contextlib import suppress

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.util import to_unicode

from ...config.imap import ImapMailbox, ImapOAuth2
from ...errors import AuthError, SourceError

# What a broken connection looks like from imapclient/imaplib/ssl.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    OSError, socket.timeout, ssl.SSLError, imaplib.IMAP4.abort, EOFError,
)


def read_token(name: str, oauth2: ImapOAuth2, timeout: float) -> str:
    """The current OAuth2 access token from the token command or file (never cached)."""
    if oauth2.token_file is not None:
        try:
            token = oauth2.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise AuthError(
                f"mailbox {name}: cannot read oauth2.token_file {oauth2.token_file}: "
                f"{exc.strerror}"
            ) from None
        source = f"oauth2.token_file {oauth2.token_file}"
    else:
        argv = oauth2.token_command or []
        try:
            done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise AuthError(f"mailbox {name}: oauth2.token_command {argv[0]!r} failed: {exc}") \
                from None
        if done.returncode != 0:
            # stderr may explain (expired refresh token...); it is the helper's text, not ours
            detail = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise AuthError(f"mailbox {name}: oauth2.token_command {argv[0]!r} exited with "
                            f"{done.returncode}: {detail or 'no message'}")
        token = done.stdout.decode("utf-8", "replace").strip()
        source = f"oauth2.token_command {argv[0]!r}"
    if not token:
        raise AuthError(f"mailbox {name}: {source} gave an empty token")
    return token


def tls_context(cfg: ImapMailbox) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)
    except (OSError, ssl.SSLError) as exc:
        raise SourceError(f"mailbox {cfg.name}: ca_file {cfg.ca_file}: {exc}") from None


def open_client(cfg: ImapMailbox) -> IMAPClient:
    """Connect, secure and log in as configured. The caller owns (and must close) the client."""
    where = f"mailbox {cfg.name} ({cfg.endpoint()})"
    context = tls_context(cfg) if cfg.tls != "plain" else None
    try:
        client = IMAPClient(
            cfg.host, cfg.server_port, ssl=cfg.tls == "implicit", ssl_context=context,
            timeout=SocketTimeout(connect=cfg.timeouts.connect, read=cfg.timeouts.command),
        )
    except NETWORK_ERRORS as exc:
        raise SourceError(f"{where}: cannot connect: {exc}") from None
    except IMAPClientError as exc:
        raise SourceError(f"{where}: unexpected greeting: {exc}") from None
    try:
        if cfg.tls == "starttls":
            client.starttls(context)
        _login(client, cfg, where)
        client.normalise_times = False  # INTERNALDATE as an aware datetime
        return client
    except BaseException:
        _drop(client)
        raise


def _login(client: IMAPClient, cfg: ImapMailbox, where: str) -> None:
    try:
        if cfg.oauth2 is not None:
            token = read_token(cfg.name, cfg.oauth2, cfg.timeouts.token_command)
            client.oauth2_login(cfg.username, token)
        else:
            assert cfg.password is not None
            try:
                secret = cfg.password.reveal().get_secret_value()
            except ValueError as exc:
                raise AuthError(f"{where}: password: {exc}") from None
            client.login(cfg.username, secret)
    except LoginError as exc:
        raise AuthError(f"{where}: login refused for {cfg.username!r}: "
                        f"{to_unicode(str(exc)).strip()}") from None
    except NETWORK_ERRORS as exc:
        raise SourceError(f"{where}: connection lost during login: {exc}") from None
    except IMAPClientError as exc:
        text = str(exc)
        if "AUTHENTICATIONFAILED" in text or "authentication failed" in text.lower():
            raise AuthError(f"{where}: login refused for {cfg.username!r}: {text}") from None
        raise SourceError(f"{where}: login failed: {text}") from None


def _drop(client: IMAPClient) -> None:
    with suppress(Exception):  # already broken: nothing more to release
        client.shutdown()
