"""The ``[llm]`` section: the optional LLM tier, and ``[webhooks.NAME]`` endpoints.

Everything is off by default; see docs/llm.md for what each key does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, HttpUrl, model_validator

from .base import Section
from .secrets import Secret


class LlmBudget(Section):
    """Calls and tokens (in + out) allowed per rolling hour / day; 0 means no limit."""

    calls_per_hour: int = Field(default=0, ge=0)
    calls_per_day: int = Field(default=0, ge=0)
    tokens_per_hour: int = Field(default=0, ge=0)
    tokens_per_day: int = Field(default=0, ge=0)


class LlmPrices(Section):
    """Price per million tokens, for the cost estimate metric (any currency, e.g. USD)."""

    input_per_million: float = Field(default=0.0, ge=0)
    output_per_million: float = Field(default=0.0, ge=0)


class LlmCircuit(Section):
    """Open the circuit after ``failures`` consecutive unavailable calls; probe again later."""

    failures: int = Field(default=5, ge=1)
    reset_seconds: float = Field(default=60.0, gt=0)


class LlmAttachments(Section):
    """Attachment text extraction limits (PDF, DOCX, text/CSV/HTML, images by OCR)."""

    enabled: bool = True
    max_bytes: int = Field(default=10_000_000, ge=0)
    max_pages: int = Field(default=20, ge=1)
    max_chars: int = Field(default=20_000, ge=0)
    ocr: bool = True
    tesseract_cmd: str = "tesseract"
    ocr_languages: str = "eng+nld"
    ocr_timeout_seconds: float = Field(default=30.0, gt=0)


class LlmSection(Section):
    """The LLM tier: fallback routing, summaries and field extraction."""

    enabled: bool = False
    base_url: str = "http://127.0.0.1:11434/v1"
    model: str = ""
    api_key: Secret | None = None
    timeout_seconds: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    on_unavailable: Literal["exceptions", "retry"] = "exceptions"
    concurrency: int = Field(default=4, ge=1, le=64)
    fallback: bool = True
    categories: list[str] = Field(default_factory=list)
    """Labels the LLM may choose; empty: the classifier model's labels."""
    descriptions: dict[str, str] = Field(default_factory=dict)
    """Optional one-line description per category, shown in the routing prompt."""
    context: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Trusted prompt context per mailbox name ("*" for all), e.g. department, customer tier."""
    extract: bool = True
    exclude_categories: list[str] = Field(default_factory=list)
    pseudonymize: bool = False
    summary_words: int = Field(default=60, ge=5, le=400)
    audit_full_text: bool = False
    max_input_chars: int = Field(default=12_000, ge=500)
    max_tokens: int = Field(default=1024, ge=16, le=100_000)
    """Most tokens one answer may have (sent as ``max_tokens``); reserved from the budget."""
    prompts_dir: Path | None = None
    budget: LlmBudget = Field(default_factory=LlmBudget)
    prices: LlmPrices = Field(default_factory=LlmPrices)
    circuit: LlmCircuit = Field(default_factory=LlmCircuit)
    attachments: LlmAttachments = Field(default_factory=LlmAttachments)

    @model_validator(mode="after")
    def _model_when_enabled(self) -> LlmSection:
        if self.enabled and not self.model:
            raise ValueError("model: required when enabled = true (e.g. model = \"gpt-4o-mini\")")
        return self


class WebhookSection(Section):
    """A named JSON endpoint rules can post to with ``{ webhook = "NAME" }``."""

    url: HttpUrl
    token: Secret | None = None
    timeout_seconds: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(default=5, ge=1, le=50)
    backoff_seconds: float = Field(default=1.0, ge=0)
