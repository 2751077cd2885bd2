"""A real SMTP server on loopback for the sender tests (pytest plugin): aiosmtpd's Controller.

The handler records every accepted message (envelope and bytes as received) and can be
told to refuse recipients, refuse the data, or stall after the data (a lost confirmation).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes  # as received, CRLF line ends, dots un-stuffed


@dataclass
class Recorder:
    """aiosmtpd handler: accepts and records, unless told otherwise."""

    messages: list[Received] = field(default_factory=list)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)
    data_reply: str = ""  # e.g. "554 5.7.1 rejected": refuse every message
    stall_seconds: float = 0.0  # wait this long before confirming the data
    data_started: threading.Event = field(default_factory=threading.Event)
    data_count: int = 0  # DATA transactions seen, accepted or not

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse_rcpt:
            return self.refuse_rcpt[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_count += 1
        self.data_started.set()
        if self.stall_seconds:
            await asyncio.sleep(self.stall_seconds)
        if self.data_reply:
            return self.data_reply
        self.messages.append(
            Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 2.0.0 Ok: queued"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """One aiosmtpd server on 127.0.0.1 that can be stopped and started on the same port."""

    def __init__(self, port: int | None = None, **options: Any):
        """``options`` go to aiosmtpd's Controller (tls_context, ssl_context, authenticator)."""
        self.port = port or free_port()
        self.recorder = Recorder()
        self.options = options
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        return self.recorder.messages

    def start(self) -> SmtpServer:
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port,
                                      **self.options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtpd() -> Iterator[SmtpServer]:
    """A running SMTP server; ``smtpd.messages`` holds what it accepted."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_port() -> int:
    """A free loopback port with nothing listening (start an SmtpServer on it later)."""
    return free_port()
