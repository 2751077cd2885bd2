"""Build outgoing forwards and auto-replies as ready-to-send bytes. Pure: no clock, no I/O.

A forward carries a short header block (category, confidence, rule, summary) and
``X-Mailroute-*`` headers; the original goes along either as a ``message/rfc822``
attachment, byte for byte apart from line endings (SMTP needs CRLF), or inline (its text
quoted, its attachments re-attached). A reply is ``Auto-Submitted: auto-replied`` and
threads under the original with In-Reply-To and References (RFC 3834 §3.1, RFC 5322 §3.6.4).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, MIMEPart
from email.policy import SMTP
from email.utils import format_datetime

from .message import Message

FORWARD_MODES = ("attachment", "inline")


@dataclass(frozen=True, slots=True)
class About:
    """What mailroute knows about the original: told in the header block and X- headers."""

    mailbox: str
    action_id: int
    category: str = ""
    confidence: float | None = None
    rule: str = ""
    summary: str = ""
    fields: tuple[tuple[str, str, str], ...] = ()
    """Extracted fields as (name, value, status): status ok, invalid or missing."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to hand to SMTP. ``envelope_from`` ``""`` is the null sender ``<>``."""

    envelope_from: str
    recipients: tuple[str, ...]
    data: bytes
    message_id: str

    @property
    def eight_bit(self) -> bool:
        """True when the bytes need the server's 8BITMIME (an 8-bit original attached)."""
        return any(b > 127 for b in self.data)


def one_line(value: str, limit: int = 500) -> str:
    """A header-safe value: whitespace (including CR/LF) collapsed, length bounded."""
    return " ".join(str(value).split())[:limit]


def prefixed(prefix: str, subject: str) -> str:
    """``Re: x`` for ``x``; ``Re: x`` again for ``RE: x`` (no ``Re: Re:`` chains)."""
    subject = one_line(subject)
    if subject.lower().startswith(prefix.lower() + ":"):
        return prefix + subject[len(prefix):]
    return f"{prefix}: {subject}" if subject else prefix + ":"


def crlf(data: bytes) -> bytes:
    """Bare LF (and CR LF) line ends as CRLF, ending with one: what SMTP DATA carries."""
    data = re.sub(rb"\r?\n", b"\r\n", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _mailroute_headers(msg: EmailMessage, message: Message, about: About) -> None:
    msg["X-Mailroute-Mailbox"] = one_line(about.mailbox)
    msg["X-Mailroute-Action"] = str(about.action_id)
    if about.category:
        msg["X-Mailroute-Category"] = one_line(about.category)
    if about.confidence is not None:
        msg["X-Mailroute-Confidence"] = f"{about.confidence:.3f}"
    if about.rule:
        msg["X-Mailroute-Rule"] = one_line(about.rule)
    if message.message_id:
        msg["X-Mailroute-Message-Id"] = one_line(message.message_id, 998)


def _common(
    msg: EmailMessage, *, sender: str, to: Sequence[str], subject: str, message_id: str,
    now: datetime,
) -> None:
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id


def header_block(message: Message, about: About) -> str:
    """The few lines on top of a forward that say why it was forwarded."""
    lines = ["Forwarded by mailroute."]
    if about.category:
        conf = f" (confidence {about.confidence:.2f})" if about.confidence is not None else ""
        lines.append(f"Category:   {about.category}{conf}")
    if about.rule:
        lines.append(f"Rule:       {about.rule}")
    if about.summary:
        lines.append(f"Summary:    {one_line(about.summary, 2000)}")
    if about.fields:
        lines.append("Fields:")
        for name, value, status in about.fields:
            shown = one_line(value, 200) if value else "-"
            lines.append(f"  {one_line(name, 60)}: {shown}"
                         + ("" if status == "ok" else f" ({status})"))
    lines.append(f"Mailbox:    {about.mailbox}")
    if message.from_:
        lines.append(f"From:       {message.from_}")
    lines.append(f"Subject:    {one_line(message.subject)}")
    return "\n".join(lines) + "\n"


def _text(content: str) -> MIMEPart:
    part = MIMEPart(policy=SMTP)
    ascii_only = content.isascii()
    part.set_content(content, charset="us-ascii" if ascii_only else "utf-8",
                     cte="7bit" if ascii_only and _short_lines(content) else "quoted-printable")
    return part


def _short_lines(text: str) -> bool:
    return all(len(line) <= 900 for line in text.splitlines())


def _boundary(original: bytes) -> str:
    """Deterministic, and checked not to occur in the content it separates."""
    seed = hashlib.sha256(original).hexdigest()
    for n in range(100):
        boundary = f"mailroute-{seed[:24]}-{n}"
        if boundary.encode() not in original:
            return boundary
    raise ValueError("no usable MIME boundary")  # practically unreachable


def forward(
    original: bytes,
    message: Message,
    about: About,
    *,
    sender: str,
    to: Sequence[str],
    mode: str,
    message_id: str,
    now: datetime,
) -> Outgoing:
    """A forward of ``original`` to ``to``; ``mode`` is ``attachment`` or ``inline``."""
    if mode not in FORWARD_MODES:
        raise ValueError(f"forward mode must be one of {', '.join(FORWARD_MODES)}, not {mode!r}")
    if not to:
        raise ValueError("forward needs at least one recipient")
    outer = EmailMessage(policy=SMTP)
    _common(outer, sender=sender, to=to, subject=prefixed("Fwd", message.subject),
            message_id=message_id, now=now)
    # A forward is machine-made: recipients' responders must not answer it (RFC 3834 §5).
    outer["Auto-Submitted"] = "auto-generated"
    _mailroute_headers(outer, message, about)
    block = header_block(message, about)
    if mode == "inline":
        quoted = _inline_text(message)
        outer.set_content(block + "\n" + quoted, charset="utf-8", cte="quoted-printable")
        for att in message.attachments:
            maintype, _, subtype = (att.content_type or "application/octet-stream").partition("/")
            outer.add_attachment(att.payload, maintype=maintype or "application",
                                 subtype=subtype or "octet-stream",
                                 filename=att.filename or "attachment")
        data = crlf(outer.as_bytes())
    else:
        body = crlf(original)
        boundary = _boundary(body)
        outer["MIME-Version"] = "1.0"
        outer["Content-Type"] = f'multipart/mixed; boundary="{boundary}"'
        head = b"".join(SMTP.fold_binary(name, value) for name, value in outer.items())
        text = _text(block + "\nThe original message is attached unchanged.\n").as_bytes()
        cte = "7bit" if body.isascii() else "8bit"
        name = re.sub(r"[^A-Za-z0-9.\-]+", "_", message.subject)[:60].strip("_") or "original"
        data = b"".join([
            head, b"\r\n",
            b"--", boundary.encode(), b"\r\n", crlf(text), b"\r\n",
            b"--", boundary.encode(), b"\r\n",
            b"Content-Type: message/rfc822\r\n",
            b"Content-Transfer-Encoding: ", cte.encode(), b"\r\n",
            b'Content-Disposition: attachment; filename="', name.encode(), b'.eml"\r\n\r\n',
            # the CRLF before a boundary belongs to the boundary: add one so the part
            # keeps the original's own final line end
            body, b"\r\n",
            b"--", boundary.encode(), b"--\r\n",
        ])
    return Outgoing(sender, tuple(to), data, message_id)


def _inline_text(message: Message) -> str:
    lines = ["---------- Forwarded message ----------"]
    if message.from_:
        lines.append(f"From: {message.from_}")
    if message.date:
        lines.append(f"Date: {format_datetime(message.date)}")
    lines.append(f"Subject: {one_line(message.subject)}")
    if message.to:
        lines.append("To: " + ", ".join(str(a) for a in message.to))
    if message.cc:
        lines.append("Cc: " + ", ".join(str(a) for a in message.cc))
    return "\n".join(lines) + "\n\n" + message.body + "\n"


def reply(
    message: Message,
    about: About,
    *,
    sender: str,
    recipient: str,
    body: str,
    subject: str | None,
    message_id: str,
    now: datetime,
    null_sender: bool = True,
) -> Outgoing:
    """An automatic reply to ``recipient`` (chosen by :mod:`.autoreply`), threaded under
    ``message``. ``subject`` ``None`` means ``Re: <original subject>``."""
    msg = EmailMessage(policy=SMTP)
    _common(msg, sender=sender, to=[recipient],
            subject=one_line(subject) if subject else prefixed("Re", message.subject),
            message_id=message_id, now=now)
    msg["Auto-Submitted"] = "auto-replied"
    # Asks Exchange/Outlook not to answer with out-of-office or other auto-replies.
    msg["X-Auto-Response-Suppress"] = "All"
    original_id = one_line(message.message_id, 998)
    if original_id:
        msg["In-Reply-To"] = original_id
        refs = one_line(message.header("References"), 8000).split()
        msg["References"] = " ".join([*refs[-20:], original_id])
    _mailroute_headers(msg, message, about)
    msg.set_content(body, charset="utf-8", cte="quoted-printable")
    return Outgoing("" if null_sender else sender, (recipient,), crlf(msg.as_bytes()), message_id)
