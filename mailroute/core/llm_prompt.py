"""Prompts for the LLM tier: versioned templates given as strings, mail delimited as data.

Pure: the adapter reads the template files; this module renders them and builds the JSON
schemas of the structured answers. Mail content only ever appears inside the untrusted
block, and the schema (not the mail) decides what an answer can contain.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .message import Message

UNSURE = "unsure"
_VERSION = re.compile(r"^\{#\s*version:\s*([\w.\-]+)\s*#\}")
_ENV = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=False,
                            autoescape=False)


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    """A template text with the version string from its first line ``{# version: x #}``."""

    name: str
    version: str
    text: str

    @classmethod
    def parse(cls, name: str, text: str) -> PromptTemplate:
        match = _VERSION.match(text)
        if not match:
            raise ValueError(f"prompt template {name}: first line must be {{# version: ... #}}")
        return cls(name, match.group(1), text)

    def render(self, **values: Any) -> str:
        return _ENV.from_string(self.text).render(**values).strip()


@dataclass(frozen=True, slots=True)
class Prompt:
    """What is sent: chat messages, the answer schema, and the template version."""

    purpose: str
    template_version: str
    messages: tuple[Mapping[str, str], ...]
    schema_name: str
    schema: Mapping[str, Any]

    @property
    def text(self) -> str:
        """The full prompt as one text, for hashing and (optionally) the audit store."""
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in self.messages)

    @property
    def sha256(self) -> str:
        import json

        blob = json.dumps([self.text, self.schema], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def mail_text(message: Message, attachment_text: str = "", limit: int = 12_000) -> str:
    """The parts of a message the LLM sees: subject, sender domain, body, attachment text."""
    parts = [
        f"Subject: {message.subject}",
        f"From-domain: {message.sender_domain or '-'}",
        f"Language-hint: {message.language or '-'}",
        "",
        message.body.strip(),
    ]
    if message.attachments:
        parts.append("")
        parts.append("Attachments: " + ", ".join(
            f"{a.filename or '(unnamed)'} ({a.content_type})" for a in message.attachments))
    if attachment_text:
        parts += ["", "Attachment text:", attachment_text.strip()]
    text = "\n".join(parts)
    return text if len(text) <= limit else text[:limit] + "\n[... truncated]"


def delimit(data: str) -> str:
    """Wrap untrusted text in a block whose tag cannot be closed from inside the data."""
    nonce = hashlib.sha256(data.encode("utf-8", "replace")).hexdigest()[:12]
    safe = re.sub(r"(?i)(</?)\s*untrusted", r"\1untrusted-quoted", data)
    return (
        f'<untrusted_mail id="{nonce}">\n{safe}\n</untrusted_mail id="{nonce}">'
    )


def _user(data: str) -> dict[str, str]:
    return {"role": "user", "content": delimit(data)}


def classify_schema(labels: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "label": {"type": "string", "enum": [*labels, UNSURE]},
            "reason": {"type": "string"},
        },
        "required": ["label", "reason"],
        "additionalProperties": False,
    }


SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"summary": {"type": "string"}, "language": {"type": "string"}},
    "required": ["summary", "language"],
    "additionalProperties": False,
}


def extract_schema(names: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {n: {"type": ["string", "null"]} for n in names},
        "required": list(names),
        "additionalProperties": False,
    }


def classify_prompt(
    template: PromptTemplate, data: str, labels: Sequence[str],
    descriptions: Mapping[str, str] | None = None, context: Mapping[str, str] | None = None,
) -> Prompt:
    system = template.render(labels=list(labels), unsure=UNSURE,
                             descriptions=dict(descriptions or {}), context=dict(context or {}))
    return Prompt("classify", template.version, ({"role": "system", "content": system},
                  _user(data)), "routing_label", classify_schema(labels))


def summary_prompt(
    template: PromptTemplate, data: str, words: int, context: Mapping[str, str] | None = None,
) -> Prompt:
    system = template.render(words=words, context=dict(context or {}))
    return Prompt("summary", template.version, ({"role": "system", "content": system},
                  _user(data)), "summary", SUMMARY_SCHEMA)


def extract_prompt(
    template: PromptTemplate, data: str, fields: Sequence[tuple[str, str, str]],
    context: Mapping[str, str] | None = None,
) -> Prompt:
    """``fields`` are (name, type, description) from an extraction schema."""
    system = template.render(fields=[{"name": n, "type": t, "description": d}
                                     for n, t, d in fields], context=dict(context or {}))
    return Prompt("extract", template.version, ({"role": "system", "content": system},
                  _user(data)), "fields", extract_schema([n for n, _, _ in fields]))
