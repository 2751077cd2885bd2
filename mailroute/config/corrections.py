"""``[mailboxes.corrections]`` of an IMAP mailbox: watch routed folders for human corrections."""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import Section


class ImapCorrections(Section):
    """Present = on. Which folder means which category comes from the rules (a rule whose
    ``when.category`` is one label and that moves to a folder); ``folders`` adds to or
    overrides that, category -> route target (``/`` between levels, like ``move``)."""

    enabled: bool = True
    interval_seconds: float = Field(default=300.0, ge=1, le=86_400)
    folders: dict[str, str] = Field(default_factory=dict)

    @field_validator("folders")
    @classmethod
    def _folders(cls, value: dict[str, str]) -> dict[str, str]:
        for label, folder in value.items():
            if not folder.strip("/ "):
                raise ValueError(f"{label}: empty folder name")
        seen: dict[str, str] = {}
        for label, folder in value.items():
            if folder in seen:
                raise ValueError(f"{folder!r} is given for both {seen[folder]!r} and "
                                 f"{label!r}; a folder must mean one category")
            seen[folder] = label
        return value
