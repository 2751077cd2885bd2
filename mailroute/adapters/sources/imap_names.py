"""Names on an IMAP server: route targets to folder names, tags to keywords, source ids.

Pure functions, so the mapping is easy to test and to document (docs/imap.md).
"""

from __future__ import annotations

# RFC 3501 atom-specials plus the wildcards: none of these may appear in a keyword.
_NOT_IN_ATOM = set('(){ %*"\\]') | {chr(c) for c in range(0x20)} | {chr(0x7F)}


def keyword_for(tag: str) -> str | None:
    """The IMAP keyword that stores ``tag``; ``None`` if it cannot be one.

    ``invoice`` -> ``$Invoice``, ``policy-change`` -> ``$Policy-change``; a tag that already
    starts with ``$`` (``$Junk``) is used as it is. Keywords are ASCII atoms; tags with other
    letters stay in the audit store only.
    """
    tag = tag.strip()
    if not tag:
        return None
    keyword = tag if tag.startswith("$") else "$" + tag[0].upper() + tag[1:]
    if len(keyword) < 2 or not keyword.isascii() or any(c in _NOT_IN_ATOM for c in keyword):
        return None
    return keyword


def tag_for(keyword: str) -> str:
    """The reverse of :func:`keyword_for` for keywords it makes: ``$Invoice`` -> ``invoice``."""
    if keyword.startswith("$") and len(keyword) > 1 and keyword[1].isupper():
        return keyword[1].lower() + keyword[2:]
    return keyword


def server_folder(target: str, prefix: str = "", delimiter: str | None = ".") -> str:
    """``Finance/Invoices``, prefix ``INBOX``, delimiter ``.`` -> ``INBOX.Finance.Invoices``.

    Route targets and the prefix use ``/`` between levels whatever the server uses.
    """
    parts = [p for p in prefix.split("/") + target.split("/") if p]
    if parts and parts[0].upper() == "INBOX":
        parts[0] = "INBOX"
    return (delimiter or "/").join(parts)


def source_id(uidvalidity: int, uid: int) -> str:
    return f"{uidvalidity}:{uid}"


def parse_source_id(value: str) -> tuple[int, int] | None:
    """``"1796406348:17"`` -> ``(1796406348, 17)``; ``None`` for anything else."""
    left, sep, right = value.partition(":")
    if not sep or not left.isdigit() or not right.isdigit():
        return None
    return int(left), int(right)
