"""The root config schema. Every table and key is documented in docs/config.md."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from .base import Section
from .sources import Mailbox


class DaemonSection(Section):
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_attempts: int = Field(default=5, ge=1, le=100)
    retry_backoff_seconds: float = Field(default=30.0, ge=0)


class StoreSection(Section):
    path: Path = Path("var/mailroute.db")


class ClassifierSection(Section):
    models_dir: Path = Path("models")
    threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    label_thresholds: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _thresholds_in_range(self) -> ClassifierSection:
        for label, value in self.label_thresholds.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"label_thresholds.{label}: must be between 0 and 1, got {value}")
        return self


class RulesSection(Section):
    dir: Path = Path("rules")
    reload_interval_seconds: float = Field(default=2.0, ge=0)


class ExceptionsSection(Section):
    folder: str = Field(default="Exceptions", min_length=1)


class MetricsSection(Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=9464, ge=0, le=65535)


class Config(Section):
    """Everything mailroute reads from ``config.toml``; paths are resolved against its folder."""

    daemon: DaemonSection = Field(default_factory=DaemonSection)
    store: StoreSection = Field(default_factory=StoreSection)
    classifier: ClassifierSection = Field(default_factory=ClassifierSection)
    rules: RulesSection = Field(default_factory=RulesSection)
    exceptions: ExceptionsSection = Field(default_factory=ExceptionsSection)
    metrics: MetricsSection = Field(default_factory=MetricsSection)
    mailboxes: list[Mailbox] = Field(default_factory=list)
    source_path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_mailboxes(self) -> Config:
        names = [m.name for m in self.mailboxes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"mailboxes: duplicate name(s): {', '.join(dupes)}")
        return self

    def mailbox(self, name: str) -> Mailbox:
        for mailbox in self.mailboxes:
            if mailbox.name == name:
                return mailbox
        raise KeyError(name)
