"""What the classifier sees of a message: cleaned text plus routing-signal tokens.

Four views feed the model (see :func:`views`):

- *words*: the subject (twice, it is the densest part), the body with quoted history,
  forwarded headers and the signature cut off, and attachment file names;
- *meta*: ``z…`` tokens for header signal (sender address and domain, lists, To/Cc
  mailboxes, attachment types, reply/forward, the length of the writer's own words and
  whether the mail is a bare forward);
- *chars*: the subject only, for character n-grams that catch Dutch compounds and typos
  ("schadeclaim", "schade-melding") at little cost;
- *shape*: ``s…`` tokens for the form of the message (empty, bare forward, file references
  only), see :func:`_shape_tokens`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .message import Message

WORD_BODY_CHARS = 3000
# How much of the body the char n-gram view reads besides the subject (0: subject only).
CHAR_BODY_CHARS = 0

# Where quoted history starts: everything below is someone else's older text.
_QUOTE_START = re.compile(
    r"^[ \t]*(?:"
    # separators of Outlook, Thunderbird, Gmail, Apple Mail (en + nl)
    r"-{2,}\s*(?:Oorspronkelijk bericht|Origineel bericht|Original Message|Forwarded message"
    r"|Doorgestuurd bericht|Doorgestuurde bericht)\s*-*"
    r"|(?:Begin forwarded message|Begin doorgestuurd bericht|Doorgestuurd bericht)\s*:"
    # Lotus Notes: "----- Forwarded by Jan Smit/NL/Acme on 03-11-2026 10:12 -----"
    r"|-{3,}\s*(?:Forwarded|Doorgestuurd) (?:by|door) "
    # "Op ma 3 nov. 2026 om 10:12 schreef Jan <jan@x.nl>:" (may wrap onto a second line)
    r"|Op .{4,160}?(?:schreef|heeft)[^\n]{0,160}(?:\n[^\n]{0,80})?:[ \t]*$"
    r"|On .{4,160}?wrote[^\n]{0,80}(?:\n[^\n]{0,80})?:[ \t]*$"
    r"|On .{4,160}\n[^\n]{0,120}wrote:[ \t]*$"
    # Outlook's header block (optionally after a line of underscores, optionally bold *Van:*)
    r"|_{10,}\s*$"
    r"|\*?(?:Van|From)\s*:\*?\s.+\n\s*\*?(?:Verzonden|Datum|Sent|Date|Aan|To)\s*:"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
# A sign-off line (alone, or followed by a short name) or a device/legal footer.
_SIGNATURE = re.compile(
    r"^[ \t]*(?:"
    r"(?:--|__)[ \t]*$"
    r"|(?:met\s+)?(?:vriendelijke|hartelijke|beste|vr\.?)\s+groet(?:en)?"
    r"|mvg|m\.vr\.gr\.|groet(?:jes|en)?|(?:kind|best|warm|many thanks and)\s+regards"
    r"|regards|sincerely(?:\s+yours)?|yours\s+(?:sincerely|faithfully)|cheers"
    r"|met\s+collegiale\s+groet"
    r")[ \t]*(?:[,.!][ \t]*[^\n]{0,40})?[ \t]*$"
    r"|^[ \t]*(?:sent from my|verzonden (?:vanaf|met) mijn|verstuurd (?:vanaf|met) mijn"
    r"|get outlook for|download outlook voor)\b"
    r"|^[ \t]*(?:disclaimer\b|dit e-?mail(?:bericht)? is uitsluitend bestemd"
    r"|this e-?mail (?:message )?(?:and any attachments )?is (?:intended|confidential))",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$\n?", re.MULTILINE)
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|antw|antwoord|sv|fw|fwd|doorst|tr|wg|wg|fyi)\s*(?:\[\d+\])?\s*:\s*)+",
    re.IGNORECASE,
)
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|antw|antwoord|sv)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_FORWARD_PREFIX = re.compile(r"^\s*(?:fw|fwd|doorst|tr|wg)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_TOKEN_SAFE = re.compile(r"[^a-z0-9]+")
# Enough own words that cutting below them keeps something to classify.
_MIN_KEEP = 40


def _cut(body: str) -> tuple[str, str, re.Match[str] | None]:
    """(what :func:`strip_quoted` keeps, the writer's own text, the quote/forward marker
    found, if any); the own text is empty for a bare forward."""
    text = _QUOTED_LINE.sub("", body)
    match = _QUOTE_START.search(text)
    mine = None
    if match:
        head = text[: match.start()]
        if len(head.strip()) >= _MIN_KEEP:
            text = head
        else:
            # a bare forward: the writer's own words are the few above the marker
            sign = _SIGNATURE.search(head)
            mine = (head[: sign.start()] if sign else head).strip()
    sign = _SIGNATURE.search(text)
    if sign and len(text[: sign.start()].strip()) >= _MIN_KEEP:
        text = text[: sign.start()]
    kept = text.strip()
    return kept or body.strip(), kept if mine is None else mine, match


def strip_quoted(body: str) -> str:
    """Cut quoted replies, forwarded history and the signature from ``body``.

    When cutting would leave almost nothing (a bare forward: "FYI" above the forwarded
    mail), the forwarded text is what carries the meaning, so the original is kept.
    """
    return _cut(body)[0]


def clean_subject(subject: str) -> str:
    """The subject without reply/forward prefixes (Re:, AW:, Antw:, Fwd:, Doorst:, ...)."""
    return _SUBJECT_PREFIX.sub("", subject).strip()


def _token(prefix: str, value: str) -> str:
    return prefix + _TOKEN_SAFE.sub("_", value.lower()).strip("_")


def _domain_tokens(prefix: str, domain: str) -> list[str]:
    """The domain and its registrable parent (``mail.vandam.nl`` also gives ``vandam.nl``)."""
    parts = domain.split(".")
    out = [_token(prefix, domain)]
    if len(parts) > 2:
        out.append(_token(prefix, ".".join(parts[-2:])))
    return out


def _bracket_value(value: str) -> str:
    """``Name <list.example.org>`` -> ``list.example.org``; plain values pass through."""
    inner = value.rpartition("<")[2].partition(">")[0] if "<" in value else value
    return inner.strip()


_LIST_HEADERS = ("list-id", "x-mailing-list", "list-post", "mailing-list")
_ADDRESS = re.compile(r"[\w.+\-=]+@[\w.\-]+")


def _list_name(value: str) -> str:
    """The list a list header names: its ``<...>`` value, else the first address in it."""
    if "<" in value:
        return _bracket_value(value).removeprefix("mailto:").partition("?")[0]
    found = _ADDRESS.search(value)
    return found.group(0) if found else value.strip()


def meta_tokens(msg: Message) -> list[str]:
    """Tokens carrying routing signal that plain text does not: sender, lists, attachments."""
    tokens: list[str] = []
    if msg.from_:
        tokens.append(_token("zfrom_", msg.from_.email))
        tokens.extend(_domain_tokens("zfromdomain_", msg.from_.domain))
    for addr in msg.reply_to[:2]:
        tokens.extend(_domain_tokens("zreplytodomain_", addr.domain))
    for addr in msg.to[:5]:
        tokens.append(_token("zto_", addr.email))
        tokens.append(_token("ztobox_", addr.email.partition("@")[0]))
    for addr in msg.cc[:5]:
        tokens.append(_token("zcc_", addr.email))
    header = _first_values(msg)
    # every list header present (Yahoo! Groups: "Mailing-List: list x@yahoogroups.com; ...")
    for name in _LIST_HEADERS:
        value = header(name)
        if value:
            name_ = _list_name(value)
            tokens.append(_token("zlist_", name_))
            tokens.append(_token("zlistdomain_", name_.rpartition("@")[2].rpartition(".")[0]
                                 if "@" in name_ else name_.partition(".")[2]))
            tokens.append(_token("zhaslist_", name))
    sender = header("sender")
    if sender:
        tokens.append(_token("zsender_", _bracket_value(sender)))
    precedence = header("precedence")
    if precedence:
        tokens.append(_token("zprecedence_", precedence))
    if header("auto-submitted").lower().startswith("auto-"):
        tokens.append("zautosubmitted")
    for att in msg.attachments[:10]:
        tokens.append(_token("zattext_", att.extension or "none"))
        tokens.append(_token("zatttype_", att.content_type))
    tokens.append("zhasatt" if msg.attachments else "znoatt")
    if _REPLY_PREFIX.match(msg.subject):
        tokens.append("zisreply")
    elif _FORWARD_PREFIX.match(msg.subject):
        tokens.append("zisforward")
    if msg.language:
        tokens.append(_token("zlang_", msg.language))
    tokens.extend(_header_tokens(msg, header))
    tokens.append(f"zrcpt_{_bucket(len(msg.recipients), _RCPT_BUCKETS)}")
    return tokens


_LEN_BUCKETS = (0, 40, 200, 1000, 5000)
_RCPT_BUCKETS = (0, 1, 3, 10)
# Headers whose presence (not value) tells mail software, lists and bulk senders apart.
_MAX_HEADER_NAMES = 40


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    """The first edge ``value`` does not exceed (``le40``), or ``gt`` the last one."""
    for edge in edges:
        if value <= edge:
            return f"le{edge}"
    return f"gt{edges[-1]}"


def _first_values(msg: Message) -> Callable[[str], str]:
    """A lookup of each header's first value by lower-case name (one pass over the headers)."""
    first: dict[str, str] = {}
    for key, value in msg.headers[:200]:
        first.setdefault(key.lower(), value)
    return lambda name: first.get(name, "")


def _header_tokens(msg: Message, header: Callable[[str], str]) -> list[str]:
    """Header names present, the mailer family, Message-ID and Return-Path domains."""
    names = {key.lower() for key, _ in msg.headers[:200]}
    tokens = [_token("zh_", name) for name in sorted(names)[:_MAX_HEADER_NAMES]]
    mailer = (header("x-mailer") or header("user-agent")).split()
    if mailer:
        tokens.append(_token("zmailer_", mailer[0][:30]))
    msgid = msg.message_id or header("message-id")
    if "@" in msgid:
        tokens.append(_token("zmsgid_", msgid.rpartition("@")[2].strip("<> ")[:60]))
    return_path = header("return-path")
    if "@" in return_path:
        tokens.extend(_domain_tokens("zreturn_", _bracket_value(return_path).rpartition("@")[2]))
    content_type = header("content-type").partition(";")[0].strip()
    if content_type:
        tokens.append(_token("zctype_", content_type))
    # which address the mail was delivered to, and the relays it came through (the path
    # into a shared mailbox often tells the route: a gateway, a forwarding address)
    delivered = [value for key, value in msg.headers[:200] if key.lower() == "delivered-to"]
    tokens.extend(_token("zdeliveredto_", value.strip()[:80]) for value in delivered[:3])
    received = [value for key, value in msg.headers[:200] if key.lower() == "received"]
    for value in received[:3]:
        tokens.extend(_token("zrelay_", host[:60]) for host in _RELAY.findall(value)[:2])
    return tokens


_RELAY = re.compile(r"\b(?:from|by)\s+([A-Za-z0-9.\-]+)", re.IGNORECASE)


# A file named in the text where a mail client showed an attachment: Lotus Notes/Outlook
# "<<name.doc>>" and " - name.doc" lines. Says "there was (or should be) a document" even
# when the attachment itself is missing or was stripped on the way.
_FILE_REF = re.compile(
    r"<<[^<>\n]{1,120}?\.([A-Za-z0-9]{2,4})>>"
    r"|^[ \t]*-[ \t]+\S[^\n]{0,120}?\.([A-Za-z0-9]{2,4})[ \t]*$",
    re.MULTILINE,
)
_FILE_REF_ANGLE = re.compile(r"<<[^<>\n]{1,120}?\.([A-Za-z0-9]{2,4})>>")
_FILE_REF_LINE = re.compile(r"[ \t]*-[ \t]+\S[^\n]{0,120}?\.([A-Za-z0-9]{2,4})[ \t]*")


def file_refs(text: str) -> list[tuple[str, str]]:
    """``_FILE_REF.findall(text)``, line by line: the same pairs in the same order, but
    only lines that can hold one are given to a regex (the multi-line pattern tried at
    every position of a long body cost more than the rest of the features)."""
    if "<<" not in text and "-" not in text:
        return []
    out: list[tuple[str, str]] = []
    for line in text.split("\n"):  # "$" ends a line only before "\n"
        if "-" in line and line.lstrip(" \t").startswith("-"):
            match = _FILE_REF_LINE.fullmatch(line)
            if match:  # takes the whole line, as the multi-line pattern does
                out.append(("", match.group(1)))
                continue
        if "<<" in line:
            out.extend((ext, "") for ext in _FILE_REF_ANGLE.findall(line))
    return out


def _text_tokens(body: str, own: str, mine: str, marker: re.Match[str] | None,
                 refs: list[tuple[str, str]]) -> list[str]:
    """Length of the whole body, of the text kept and of the writer's own words, whether
    history was cut or the mail is a bare forward, and files named where attachments are
    shown."""
    tokens = [f"zbodylen_{_bucket(len(body.strip()), _LEN_BUCKETS)}",
              f"zownlen_{_bucket(len(own), _LEN_BUCKETS)}",
              f"zmine_{_bucket(len(mine), _LEN_BUCKETS)}"]
    if len(own) + 20 < len(body.strip()):
        tokens.append("zhashistory")
    if marker is not None and len(mine) < _MIN_KEEP:
        tokens.append("zbareforward")
    extensions = {(a or b).lower() for a, b in refs}
    if extensions:
        tokens.append("zfileref")
        tokens.extend(_token("zfileref_", ext) for ext in sorted(extensions)[:5])
    return tokens


_SHAPE_LEN = (0, 10, 40, 200, 1000)
_SHAPE_LINES = (0, 1, 3, 10)
# The forwarded mail's own header lines end at its Subject: line (Outlook, Lotus Notes).
_FORWARDED_SUBJECT = re.compile(r"^[ \t]*Subject:[^\n]*$", re.IGNORECASE | re.MULTILINE)


def _shape_tokens(subject: str, cleaned_subject: str, body: str, own: str, mine: str,
                  marker: re.Match[str] | None, refs: list[tuple[str, str]]) -> list[str]:
    """A few tokens for the form of a message rather than its words: how much the writer
    wrote (characters, lines; file references not counted), files named with almost no own
    words (``sonlyrefs``), a bare forward and how much text the forwarded mail itself has,
    an empty subject, reply or forward. Empty and attachment-only mails differ from the
    others mostly in form."""
    rest = (_FILE_REF.sub("", mine) if refs else mine).strip()
    # lines beyond the last bucket edge do not matter: count within the first 2000 chars
    lines = sum(1 for line in rest[:2000].splitlines() if line.strip())
    tokens = [f"smine_{_bucket(len(rest), _SHAPE_LEN)}",
              f"slines_{_bucket(lines, _SHAPE_LINES)}"]
    if not cleaned_subject:
        tokens.append("snosubject")
    if _REPLY_PREFIX.match(subject):
        tokens.append("sreply")
    elif _FORWARD_PREFIX.match(subject):
        tokens.append("sforward")
    tokens.append("shistory" if len(own) + 20 < len(body.strip()) else "snohistory")
    if refs:
        tokens.append("sfileref")
        if len(rest) < _MIN_KEEP:
            tokens.append("sonlyrefs")
    if marker is not None and len(mine) < _MIN_KEEP:
        forwarded = body[marker.end():]
        subjects = list(_FORWARDED_SUBJECT.finditer(forwarded[:4000]))
        content = forwarded[subjects[-1].end():] if subjects else forwarded
        content = (_FILE_REF.sub("", content) if refs else content).strip()
        size = _bucket(len(content), _SHAPE_LEN)
        tokens += ["sbareforward", f"sfwdlen_{size}"]
        if refs:
            tokens.append("sbareforward_refs")
    return tokens


# Bump when what ``views`` produces changes: a model trained on other views would still
# load and quietly score the wrong text, so model files record this and loading checks it.
FEATURES_VERSION = "4"


def views(msg: Message) -> tuple[str, str, str, str]:
    """The four views the model takes: :func:`document`'s three plus the form tokens
    (:func:`_shape_tokens`), a small view of their own so a bare forward weighs as much in
    a long mail as in a short one."""
    full = msg.body[: WORD_BODY_CHARS * 4]
    own, mine, marker = _cut(full)
    refs = file_refs(full)
    subject = clean_subject(msg.subject)
    return (*_document(msg, subject, full, own, mine, marker, refs),
            " ".join(_shape_tokens(msg.subject, subject, full, own, mine, marker, refs)))


def document(msg: Message) -> tuple[str, str, str]:
    """The three views the model takes: (words, header tokens, characters).

    The header tokens are a view of their own (own TF-IDF, own norm): inside a long body
    they would weigh next to nothing, while a List-Id or a delivery address often decides
    the route.
    """
    return views(msg)[:3]


def _document(msg: Message, subject: str, full: str, own: str, mine: str,
              marker: re.Match[str] | None, refs: list[tuple[str, str]]) -> tuple[str, str, str]:
    body = own[:WORD_BODY_CHARS]
    attachments = " ".join(att.filename for att in msg.attachments[:10])
    words = " ".join([subject, subject, body, attachments])
    meta = " ".join([*meta_tokens(msg), *_text_tokens(full, own, mine, marker, refs)])
    chars = f"{subject}\n{body[:CHAR_BODY_CHARS]}" if CHAR_BODY_CHARS else subject
    return words, meta, chars
