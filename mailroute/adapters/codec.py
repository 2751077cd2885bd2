"""Message <-> compact bytes for the store, so ``replay`` can re-run rules later."""

from __future__ import annotations

import json
import zlib
from datetime import datetime

from ..core.message import Address, Attachment, Message

_MAX_STORED_BODY = 20_000


def _addr(a: Address | None) -> list[str] | None:
    return [a.email, a.name] if a else None


def encode_message(msg: Message) -> bytes:
    """Everything rules can look at, minus attachment payloads; zlib-compressed JSON."""
    data = {
        "mailbox": msg.mailbox, "folder": msg.folder, "source_id": msg.source_id,
        "content_hash": msg.content_hash, "message_id": msg.message_id,
        "from": _addr(msg.from_), "to": [_addr(a) for a in msg.to],
        "cc": [_addr(a) for a in msg.cc], "reply_to": [_addr(a) for a in msg.reply_to],
        "date": msg.date.isoformat() if msg.date else None, "subject": msg.subject,
        "body": msg.body[:_MAX_STORED_BODY],
        "attachments": [[a.filename, a.content_type, a.size] for a in msg.attachments],
        "headers": [list(h) for h in msg.headers], "language": msg.language,
        "defects": list(msg.defects), "size": msg.size,
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 1)


def decode_message(blob: bytes) -> Message:
    d = json.loads(zlib.decompress(blob).decode("utf-8"))

    def addr(v: list[str] | None) -> Address | None:
        return Address(v[0], v[1]) if v else None

    return Message(
        mailbox=d["mailbox"], folder=d["folder"], source_id=d["source_id"],
        content_hash=d["content_hash"], message_id=d["message_id"],
        from_=addr(d["from"]),
        to=tuple(a for a in map(addr, d["to"]) if a),
        cc=tuple(a for a in map(addr, d["cc"]) if a),
        reply_to=tuple(a for a in map(addr, d["reply_to"]) if a),
        date=datetime.fromisoformat(d["date"]) if d["date"] else None,
        subject=d["subject"], body=d["body"],
        attachments=tuple(Attachment(n, t, s) for n, t, s in d["attachments"]),
        headers=tuple((k, v) for k, v in d["headers"]), language=d["language"],
        defects=tuple(d["defects"]), size=d["size"],
    )
