"""The ``type = "imap"`` mailbox section: server, TLS, login, folders and timing."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from .base import Section
from .corrections import ImapCorrections
from .secrets import Secret

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
IDLE_LIMIT_SECONDS = 29 * 60  # RFC 2177: servers may drop an IDLE after 30 minutes


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1), without DNS."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class ImapOAuth2(Section):
    """XOAUTH2 login. The token is read again on every (re)connect, so rotation just works.

    ``token_command`` is an argv list run without a shell (its stdout is the token);
    ``token_file`` is a file holding the token (e.g. written by a refresh agent).
    """

    token_command: list[str] | None = Field(default=None, min_length=1)
    token_file: Path | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ImapOAuth2:
        if (self.token_command is None) == (self.token_file is None):
            raise ValueError("give exactly one of token_command = [...] or token_file = \"path\"")
        return self


class ImapTimeouts(Section):
    """Seconds. ``idle_renew`` re-issues IDLE before the server's 29-minute limit."""

    connect: float = Field(default=15.0, gt=0, le=300)
    command: float = Field(default=60.0, gt=0, le=3600)
    idle_renew: float = Field(default=25 * 60.0, ge=1, le=IDLE_LIMIT_SECONDS)
    token_command: float = Field(default=30.0, gt=0, le=600)


class ImapMailbox(Section):
    """One IMAP account. Route targets (``move = "Finance/Invoices"``) use ``/`` between
    levels; they are translated to the server's hierarchy delimiter and put under
    ``folder_prefix`` (e.g. ``"INBOX"`` on servers that keep every folder below the inbox).
    """

    type: Literal["imap"]
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    tls: Literal["implicit", "starttls", "plain"] = "implicit"
    ca_file: Path | None = None
    username: str = Field(min_length=1)
    password: Secret | None = None
    oauth2: ImapOAuth2 | None = None
    folders: list[str] = Field(default_factory=lambda: ["INBOX"], min_length=1)
    folder_prefix: str = ""
    exceptions_folder: str | None = None
    create_folders: bool = True
    mark_seen: bool = False
    idle: bool = True
    poll_interval_seconds: float = Field(default=60.0, gt=0, le=86_400)
    batch_size: int = Field(default=100, ge=1, le=5000)
    timeouts: ImapTimeouts = Field(default_factory=ImapTimeouts)
    # watch routed folders for people re-filing mail (docs/classifier.md)
    corrections: ImapCorrections | None = None

    @model_validator(mode="after")
    def _check(self) -> ImapMailbox:
        if self.tls == "plain" and not is_loopback(self.host):
            raise ValueError(
                f"tls = \"plain\" sends the password unencrypted and is only allowed for a "
                f"loopback host (localhost, 127.0.0.1, ::1), not {self.host!r}; "
                "use tls = \"implicit\" or \"starttls\""
            )
        if (self.password is None) == (self.oauth2 is None):
            raise ValueError("give exactly one of password = { env = ... } or [oauth2]")
        if len(set(self.folders)) != len(self.folders):
            raise ValueError("folders: a folder is listed twice")
        return self

    @property
    def server_port(self) -> int:
        """The configured port, or the standard one for the TLS mode (993 or 143)."""
        if self.port is not None:
            return self.port
        return 993 if self.tls == "implicit" else 143

    def endpoint(self) -> str:
        return f"{self.host}:{self.server_port}"
