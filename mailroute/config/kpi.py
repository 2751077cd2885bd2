"""The ``[kpi]`` table: what one message of manual handling costs, for "hours saved"."""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import Section


class KpiSection(Section):
    """``manual_minutes = { invoice = 4, claim = 9, default = 3 }``.

    Minutes a person would spend on one message of a label; ``default`` covers labels not
    listed (0 when absent). Counted for every message handled without a human.
    """

    manual_minutes: dict[str, float] = Field(default_factory=dict)

    @field_validator("manual_minutes")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for label, minutes in value.items():
            if not 0 <= minutes <= 24 * 60:
                raise ValueError(f"manual_minutes.{label}: must be between 0 and 1440, "
                                 f"got {minutes}")
        return value

    def minutes_for(self, label: str | None) -> float:
        """Manual minutes of one message of ``label`` (``default`` for others)."""
        table = self.manual_minutes
        return float(table.get(label or "", table.get("default", 0.0)))
