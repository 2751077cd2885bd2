"""The ``[smtp]`` section: where forwards and auto-replies are sent, and the limits on them."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Section
from .secrets import Secret

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def is_loopback(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1: the only hosts a ``plain`` (no TLS) link may go to."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _email(value: str, where: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValueError(f"{where}: {value!r} is not an e-mail address")
    return value


class SmtpSection(Section):
    """How the sender delivers queued ``forward`` and ``reply`` actions (docs/smtp.md)."""

    enabled: bool = False
    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    tls: Literal["implicit", "starttls", "plain"] = "starttls"
    username: str | None = None
    password: Secret | None = None
    ca_file: Path | None = None
    """PEM file of the CA that signed the server's certificate (default: the system's)."""
    from_address: str = ""
    from_addresses: dict[str, str] = Field(default_factory=dict)
    """Per-mailbox sender address (``{ sample = "triage@example.nl" }``); else ``from_address``."""
    max_per_hour: int = Field(default=100, ge=1, le=100_000)
    """Sends per mailbox in any rolling hour; more wait in the queue for the next hour."""
    reply_period_hours: float = Field(default=24.0, gt=0, le=24 * 365)
    """At most one auto-reply per recipient (per mailbox) in this period (RFC 3834 §2)."""
    own_addresses: list[str] = Field(default_factory=list)
    """The daemon's own addresses: never auto-replied to (the from addresses are added)."""
    reply_null_sender: bool = True
    """Send auto-replies with an empty envelope sender (``MAIL FROM:<>``, RFC 3834 §3.3)."""
    require_return_path: bool = False
    """Refuse to auto-reply when the message has no Return-Path (else reply to From)."""
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_attempts: int = Field(default=5, ge=1, le=100)
    retry_backoff_seconds: float = Field(default=60.0, ge=0, le=86_400)
    poll_interval_seconds: float = Field(default=2.0, gt=0, le=3600)

    @field_validator("from_address")
    @classmethod
    def _from_address(cls, value: str) -> str:
        return _email(value, "from_address") if value.strip() else ""

    @field_validator("ca_file")
    @classmethod
    def _ca_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_absolute():
            raise ValueError(f"ca_file: give an absolute path, not {str(value)!r}")
        return value

    @field_validator("from_addresses")
    @classmethod
    def _from_addresses(cls, value: dict[str, str]) -> dict[str, str]:
        return {box: _email(addr, f"from_addresses.{box}") for box, addr in value.items()}

    @field_validator("own_addresses")
    @classmethod
    def _own_addresses(cls, value: list[str]) -> list[str]:
        return [_email(addr, f"own_addresses[{i}]") for i, addr in enumerate(value)]

    @model_validator(mode="after")
    def _consistent(self) -> SmtpSection:
        if self.tls == "plain" and not is_loopback(self.host):
            raise ValueError(
                f'tls = "plain" is only allowed to a loopback host, not {self.host!r}; '
                'use "starttls" or "implicit"'
            )
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together: give both or neither")
        if self.enabled and not self.from_address:
            raise ValueError("from_address: required when enabled = true")
        return self

    def sender_for(self, mailbox: str) -> str:
        """The From (and envelope) address used for sends on behalf of ``mailbox``."""
        return self.from_addresses.get(mailbox, self.from_address)

    def own(self) -> frozenset[str]:
        """Every address that is the daemon itself: never an auto-reply recipient."""
        return frozenset(
            a for a in (*self.own_addresses, self.from_address, *self.from_addresses.values()) if a
        )

    def unknown_mailboxes(self, names: Iterable[str]) -> list[str]:
        """Problems with ``from_addresses`` keys that name no configured mailbox."""
        known = set(names)
        return [
            f"smtp.from_addresses.{box}: no mailbox named {box!r}"
            for box in self.from_addresses if box not in known
        ]
