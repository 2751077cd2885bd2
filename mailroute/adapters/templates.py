"""Reply templates: ``rules/templates/<name>.txt.j2``, rendered in a Jinja2 sandbox.

A template is plain text. A first line ``Subject: ...`` sets the reply's subject (the
blank line after it is dropped); without one the subject is ``Re: <original subject>``.
Variables: subject, sender_name, sender_email, category, confidence, language, mailbox,
rule, summary. An unknown variable is an error (StrictUndefined), never an empty gap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ActionError

SUFFIX = ".txt.j2"
VARIABLES = ("subject", "sender_name", "sender_email", "category", "confidence", "language",
             "mailbox", "rule", "summary")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


class ReplyTemplateError(ActionError):
    """A reply template is missing, invalid, or uses a variable that does not exist."""


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str | None
    body: str


class Templates:
    """Renders reply templates from one folder; edits are picked up on the next render."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(str(self.directory)),
            undefined=StrictUndefined,
            autoescape=False,  # plain-text mail, not HTML
            keep_trailing_newline=True,
            auto_reload=True,
        )

    def path(self, name: str) -> Path:
        return self.directory / f"{name}{SUFFIX}"

    def render(self, name: str, variables: Mapping[str, Any]) -> Rendered:
        """Render template ``name``. Raises ReplyTemplateError naming the file (and line)."""
        if not _NAME.match(name):
            raise ReplyTemplateError(f"reply template {name!r}: not a valid template name")
        where = str(self.path(name))
        try:
            text = self.env.get_template(f"{name}{SUFFIX}").render(**dict(variables))
        except TemplateNotFound:
            raise ReplyTemplateError(f"{where}: reply template not found") from None
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            at = f" line {line}" if line else ""
            raise ReplyTemplateError(f"{where}{at}: {exc.message or exc}") from None
        return split_subject(text)


def split_subject(text: str) -> Rendered:
    """Take a leading ``Subject: ...`` line (and one blank line after it) off ``text``."""
    first, _, rest = text.partition("\n")
    if not first.lower().startswith("subject:"):
        return Rendered(None, text)
    subject = " ".join(first[len("subject:"):].split())
    if rest.startswith("\n"):
        rest = rest[1:]
    elif rest.startswith("\r\n"):
        rest = rest[2:]
    return Rendered(subject or None, rest)
