"""The root config schema. Every table and key is documented in docs/config.md."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from .base import Section
from .kpi import KpiSection
from .llm import LlmSection, WebhookSection
from .smtp import SmtpSection
from .sources import Mailbox


class DaemonSection(Section):
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_attempts: int = Field(default=5, ge=1, le=100)
    retry_backoff_seconds: float = Field(default=30.0, ge=0)


class StoreSection(Section):
    path: Path = Path("var/mailroute.db")
    # Days after which message text, LLM prompts/responses, field values and sent copies
    # are pruned; the decision trail stays. 0 keeps everything.
    retention_days: int = Field(default=0, ge=0, le=36500)


class ClassifierSection(Section):
    models_dir: Path = Path("models")
    threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    label_thresholds: dict[str, float] = Field(default_factory=dict)
    # Route alone only what reaches this precision (cross-validated per-label thresholds stored
    # with the model); replaces `threshold` when set. Per-label targets override it.
    target_precision: float | None = Field(default=None, gt=0.5, lt=1.0)
    label_target_precision: dict[str, float] = Field(default_factory=dict)
    # Accuracy-from-corrections metric: auto-routed messages of the last N days.
    corrections_window_days: int = Field(default=30, ge=1, le=3650)

    @model_validator(mode="after")
    def _thresholds_in_range(self) -> ClassifierSection:
        for label, value in self.label_thresholds.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"label_thresholds.{label}: must be between 0 and 1, got {value}")
        for label, value in self.label_target_precision.items():
            if not 0.5 < value < 1.0:
                raise ValueError(
                    f"label_target_precision.{label}: must be above 0.5 and below 1, got {value}"
                )
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
    kpi: KpiSection = Field(default_factory=KpiSection)
    smtp: SmtpSection = Field(default_factory=SmtpSection)
    llm: LlmSection = Field(default_factory=LlmSection)
    webhooks: dict[str, WebhookSection] = Field(default_factory=dict)
    mailboxes: list[Mailbox] = Field(default_factory=list)
    source_path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_mailboxes(self) -> Config:
        names = [m.name for m in self.mailboxes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"mailboxes: duplicate name(s): {', '.join(dupes)}")
        return self

    @model_validator(mode="after")
    def _smtp_mailboxes(self) -> Config:
        problems = self.smtp.unknown_mailboxes(m.name for m in self.mailboxes)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def mailbox(self, name: str) -> Mailbox:
        for mailbox in self.mailboxes:
            if mailbox.name == name:
                return mailbox
        raise KeyError(name)
