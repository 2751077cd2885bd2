"""What the classifier sees of a message: cleaned text plus routing-signal tokens."""

from __future__ import annotations

import re

from .message import Message

WORD_BODY_CHARS = 5000
CHAR_BODY_CHARS = 600

# Where quoted history starts: everything below is someone else's older text.
_QUOTE_START = re.compile(
    r"^(?:"
    r"-{2,}\s*(?:Oorspronkelijk bericht|Original Message|Forwarded message|Doorgestuurd bericht)"
    r"|Op .{4,120} schreef .{0,120}:\s*$"
    r"|On .{4,160} wrote:\s*$"
    r"|Van: .+\n(?:Verzonden|Datum): "
    r"|From: .+\n(?:Sent|Date): "
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_SIGNATURE = re.compile(
    r"^(?:--\s*$|Met vriendelijke groet|Vriendelijke groet|Met hartelijke groet|Groet(?:en)?,"
    r"|Kind regards|Best regards|Regards,|Sincerely)",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^>.*$\n?", re.MULTILINE)
_TOKEN_SAFE = re.compile(r"[^a-z0-9]+")


def strip_quoted(body: str) -> str:
    """Cut quoted replies, forwarded history and the signature from ``body``.

    When cutting would leave almost nothing (a bare forward), the original is kept.
    """
    text = _QUOTED_LINE.sub("", body)
    match = _QUOTE_START.search(text)
    if match and match.start() > 40:
        text = text[: match.start()]
    match = _SIGNATURE.search(text)
    if match and match.start() > 40:
        text = text[: match.start()]
    return text.strip() or body.strip()


def _token(prefix: str, value: str) -> str:
    return prefix + _TOKEN_SAFE.sub("_", value.lower()).strip("_")


def meta_tokens(msg: Message) -> list[str]:
    """Tokens carrying routing signal that plain text does not: sender, lists, attachments."""
    tokens = []
    if msg.from_:
        tokens.append(_token("zfromdomain_", msg.from_.domain))
        tokens.append(_token("zfrom_", msg.from_.email))
    for addr in msg.recipients[:5]:
        tokens.append(_token("zto_", addr.email.partition("@")[0]))
    list_id = msg.header("List-Id")
    if list_id:
        tokens.append(_token("zlist_", list_id.rpartition("<")[2].strip(">")))
    for att in msg.attachments[:10]:
        tokens.append(_token("zattext_", att.extension or "none"))
        tokens.append(_token("zatttype_", att.content_type))
        tokens.append(att.filename.lower())
    tokens.append("zhasatt" if msg.attachments else "znoatt")
    return tokens


def document(msg: Message) -> tuple[str, str]:
    """The two text views the model takes: (words, characters)."""
    body = strip_quoted(msg.body)
    subject = msg.subject.strip()
    words = " ".join([subject, subject, body[:WORD_BODY_CHARS], *meta_tokens(msg)])
    chars = f"{subject}\n{body[:CHAR_BODY_CHARS]}"
    return words, chars
