"""May this message get an automatic reply, and to whom? RFC 3834, as pure functions.

Where to: the Return-Path (the envelope sender the delivering server recorded, RFC 3834 §4).
When a message has none (some IMAP/Exchange stores drop it) the From address is used,
unless ``require_return_path`` is set. Reply-To and Sender are never used: an automatic
reply must go back to where bounces would go, not to an address the author chose.

Never reply to: a null sender (``Return-Path: <>``), anything already automatic
(``Auto-Submitted`` other than ``no``, ``X-Autoreply``, ``X-Autorespond``, Microsoft's
``X-Auto-Response-Suppress`` asking for no auto-replies), mailing lists (any ``List-*``
header, ``Precedence: bulk|list|junk``), delivery reports (``multipart/report``,
MAILER-DAEMON, ``X-Failed-Recipients``), the daemon's own addresses, and no-reply style
local parts (noreply, no-reply, donotreply, do-not-reply, mailer-daemon, postmaster).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from email.utils import parseaddr

from .message import Message

NO_REPLY_LOCALPARTS = frozenset(
    {"noreply", "donotreply", "mailerdaemon", "postmaster", "nobody", "bounce", "bounces"}
)
BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9.\-]+\.[A-Za-z0-9\-]+$")


def _localpart_key(address: str) -> str:
    """``No-Reply+abc@x`` -> ``noreply``: case, separators and sub-address tags ignored."""
    local = address.rpartition("@")[0].split("+", 1)[0].lower()
    return re.sub(r"[-_.]", "", local)


def is_no_reply(address: str) -> bool:
    """True for no-reply style addresses (noreply, do-not-reply, mailer-daemon, ...)."""
    key = _localpart_key(address)
    return key in NO_REPLY_LOCALPARTS or key.startswith(("noreply", "donotreply"))


def return_path(message: Message) -> str | None:
    """The top Return-Path address; ``""`` for the null sender ``<>``; None when absent."""
    values = message.header_values("Return-Path")
    if not values:
        return None
    return parseaddr(values[0])[1].strip().lower()


def reply_address(message: Message, *, require_return_path: bool = False) -> str:
    """Where an automatic reply would go: Return-Path, else From; ``""`` when nowhere."""
    path = return_path(message)
    if path is not None:
        return path
    if require_return_path or message.from_ is None:
        return ""
    return message.from_.email


def check(
    message: Message,
    own_addresses: Collection[str] = (),
    *,
    require_return_path: bool = False,
) -> tuple[bool, str]:
    """``(allowed, reason)``: whether ``message`` may get an automatic reply, and why (not).

    The reason names the header that decided, so a skipped reply explains itself.
    """
    own = {a.lower() for a in own_addresses}
    path = return_path(message)
    if path == "":
        return False, "null sender (Return-Path: <>): never auto-reply to bounces"
    auto = message.header("Auto-Submitted").split(";", 1)[0].strip().lower()
    if auto and auto != "no":
        return False, f"Auto-Submitted: {auto}: the message was sent automatically"
    for name in ("X-Autoreply", "X-Autorespond"):
        if message.header_values(name):
            return False, f"{name} present: the message is an automatic reply"
    suppress = {v.strip().lower() for v in message.header("X-Auto-Response-Suppress").split(",")}
    if suppress & {"all", "autoreply", "oof"}:
        return False, "X-Auto-Response-Suppress asks for no automatic replies"
    lists = sorted({k for k, _ in message.headers if k.lower().startswith("list-")})
    if lists:
        return False, f"{lists[0]} present: mailing-list message"
    precedence = message.header("Precedence").strip().lower()
    if precedence in BULK_PRECEDENCE:
        return False, f"Precedence: {precedence}"
    content_type = message.header("Content-Type").split(";", 1)[0].strip().lower()
    if content_type == "multipart/report":
        return False, "multipart/report: a delivery or read report"
    if message.header_values("X-Failed-Recipients"):
        return False, "X-Failed-Recipients present: a bounce"
    author = message.from_.email if message.from_ else ""
    if author and _localpart_key(author) in ("mailerdaemon", "postmaster"):
        return False, f"From {author}: a bounce"
    if author in own:
        return False, f"From {author} is one of our own addresses (mail loop)"
    if path is None and require_return_path:
        return False, "no Return-Path header and require_return_path is set"
    target = reply_address(message, require_return_path=require_return_path)
    if not target:
        return False, "no Return-Path or From address to reply to"
    if not _EMAIL.match(target):
        return False, f"reply address {target!r} is not a valid e-mail address"
    if target in own:
        return False, f"{target} is one of our own addresses (mail loop)"
    if is_no_reply(target):
        return False, f"{target} is a no-reply address"
    where = "Return-Path" if path is not None else "From (no Return-Path)"
    return True, f"reply to {target} ({where})"
