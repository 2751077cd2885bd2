"""Bytes to :class:`Message` with mail-parser. Never raises: problems become defects."""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import logging
from collections.abc import Iterable
from datetime import datetime
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime

import mailparser

from .htmltext import html_to_text
from .language import detect_language
from .message import Address, Attachment, Message, RawMail

# mail-parser logs every odd part at WARNING/ERROR; those become defects on the message instead.
logging.getLogger("mailparser").setLevel(logging.CRITICAL)

MAX_BODY_CHARS = 100_000


def _addresses(pairs: Iterable[tuple[str, str]] | None) -> tuple[Address, ...]:
    out = []
    for name, addr in pairs or ():
        addr = (addr or "").strip().strip("<>").lower()
        if addr:
            out.append(Address(email=addr, name=(name or "").strip()))
    return tuple(out)


def _decode_header_value(value: object) -> str:
    if isinstance(value, str) and "=?" not in value:
        return value.strip()  # no encoded words: decoding returns it unchanged, slowly
    try:
        return str(make_header(decode_header(str(value)))).strip()
    except Exception:
        return str(value).strip()


def _headers(msg: email.message.Message | None) -> tuple[tuple[str, str], ...]:
    if msg is None:
        return ()
    return tuple((key, _decode_header_value(value)) for key, value in msg.items())


def _attachment(raw: dict) -> Attachment:
    payload_text = raw.get("payload") or ""
    payload: bytes
    if raw.get("binary"):
        try:
            payload = base64.b64decode(payload_text, validate=False)
        except (binascii.Error, ValueError):
            payload = b""
    else:
        payload = str(payload_text).encode("utf-8", "replace")
    return Attachment(
        filename=str(raw.get("filename") or ""),
        content_type=str(raw.get("mail_content_type") or "application/octet-stream").lower(),
        size=len(payload),
        payload=payload,
    )


def _flatten_defects(defects: list) -> tuple[str, ...]:
    out: list[str] = []
    for item in defects or ():
        if isinstance(item, dict):
            for key, values in item.items():
                for value in values if isinstance(values, list) else [values]:
                    out.append(f"{key}: {value}")
        else:
            out.append(str(item))
    return tuple(dict.fromkeys(out))


def _date(value: object, header: str) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if header:
        try:
            return parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return None
    return None


def _body(text_plain: list[str], text_html: list[str]) -> str:
    plain = [part.strip() for part in text_plain if part and part.strip()]
    if plain:
        body = "\n\n".join(plain)
    else:
        body = "\n\n".join(html_to_text(part) for part in text_html if part)
    return body.replace("\x00", "")[:MAX_BODY_CHARS]


def parse(raw: RawMail) -> Message:
    """Parse ``raw`` into a frozen :class:`Message`.

    Broken MIME, unknown charsets, missing headers and empty input all give a
    Message; what went wrong is listed in ``Message.defects`` so the record
    and the exceptions route can say why.
    """
    base = {
        "mailbox": raw.mailbox,
        "folder": raw.folder,
        "source_id": raw.source_id,
        "content_hash": raw.content_hash,
        "size": len(raw.data),
    }
    if not raw.data.strip():
        return Message(**base, defects=("empty message",))
    try:
        parsed = mailparser.parse_from_bytes(raw.data)
    except Exception as exc:  # any parser failure must still yield a recordable message
        return _fallback(raw, base, f"mail-parser failed: {type(exc).__name__}: {exc}")

    defects = list(_flatten_defects(parsed.defects))
    headers = _headers(parsed.message)
    if not headers:
        defects.append("no headers")
    subject = _decode_header_value(parsed.subject) if parsed.subject else ""
    from_ = _addresses(parsed.from_)
    if headers and not from_:
        defects.append("no From address")
    body = _body(list(parsed.text_plain), list(parsed.text_html))
    attachments = []
    for item in parsed.attachments:
        try:
            attachments.append(_attachment(item))
        except Exception as exc:
            defects.append(f"attachment unreadable: {exc}")
    if not body and not attachments:
        defects.append("empty body")
    date_header = next((v for k, v in headers if k.lower() == "date"), "")
    return Message(
        **base,
        message_id=str(parsed.message_id or "").strip(),
        from_=from_[0] if from_ else None,
        to=_addresses(parsed.to),
        cc=_addresses(parsed.cc),
        reply_to=_addresses(getattr(parsed, "reply_to", None) or None),
        date=_date(parsed.date, date_header),
        subject=subject,
        body=body,
        attachments=tuple(attachments),
        headers=headers,
        language=detect_language(subject + "\n" + body),
        defects=tuple(dict.fromkeys(defects)),
    )


def _fallback(raw: RawMail, base: dict, reason: str) -> Message:
    """Second chance with the stdlib's lenient compat32 parser, headers and text only."""
    try:
        msg = email.message_from_bytes(raw.data, policy=email.policy.compat32)
        headers = _headers(msg)
        texts = []
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                data = part.get_payload(decode=True) or b""
                texts.append(data.decode(part.get_content_charset() or "utf-8", "replace"))
        get = dict((k.lower(), v) for k, v in reversed(headers)).get
        sender = _addresses(getaddresses([get("from", "")]))
        return Message(
            **base,
            message_id=get("message-id", ""),
            from_=sender[0] if sender else None,
            to=_addresses(getaddresses([get("to", "")])),
            subject=get("subject", ""),
            body="\n".join(texts)[:MAX_BODY_CHARS],
            headers=headers,
            date=_date(None, get("date", "")),
            defects=(reason,),
        )
    except Exception as exc:
        return Message(**base, defects=(reason, f"fallback parser failed: {exc}"))
