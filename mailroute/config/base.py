"""Shared base for config sections: unknown keys are errors, values are immutable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config table. A misspelt key is refused, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
