"""The frozen message model every stage after parsing works on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Address:
    """A mailbox address with its display name; ``email`` is lower-cased."""

    email: str
    name: str = ""

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True, slots=True)
class Attachment:
    """Metadata of one attachment; the payload is kept for later extraction stages."""

    filename: str
    content_type: str
    size: int
    payload: bytes = field(default=b"", repr=False, compare=False)

    @property
    def extension(self) -> str:
        name = self.filename.lower()
        return name.rpartition(".")[2] if "." in name else ""


@dataclass(frozen=True, slots=True)
class RawMail:
    """A message as a source hands it over: bytes plus where they came from."""

    mailbox: str
    folder: str
    source_id: str
    data: bytes = field(repr=False)
    received_at: datetime | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class Message:
    """A parsed message. Parsing never fails: problems are listed in ``defects``."""

    mailbox: str
    folder: str
    source_id: str
    content_hash: str
    message_id: str = ""
    from_: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    date: datetime | None = None
    subject: str = ""
    body: str = ""
    attachments: tuple[Attachment, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    language: str = ""
    defects: tuple[str, ...] = ()
    size: int = 0

    def header(self, name: str) -> str:
        """The first value of header ``name`` (case-insensitive), or ``""``."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return ""

    def header_values(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    @property
    def sender_domain(self) -> str:
        return self.from_.domain if self.from_ else ""

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc

    @property
    def unparseable(self) -> bool:
        """True when the bytes are not a mail message: not a single header came out.

        Such input (a truncated upload, binary junk) is never classified or routed by
        content: whatever text it yields is noise, and a person must look at it.
        """
        return not self.headers
