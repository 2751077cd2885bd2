"""Mailbox sections: one ``[[mailboxes]]`` table per watched mailbox, by ``type``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from .base import Section
from .exchange import EwsMailbox, GraphMailbox
from .imap import ImapMailbox


class MaildirMailbox(Section):
    """A local Maildir++ tree: the inbox is the root, folders are ``.Name`` subdirectories."""

    type: Literal["maildir"]
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    path: Path
    poll_interval_seconds: float = Field(default=1.0, gt=0, le=3600)
    create: bool = True


Mailbox = Annotated[
    MaildirMailbox | EwsMailbox | GraphMailbox | ImapMailbox, Field(discriminator="type")
]
