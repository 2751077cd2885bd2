"""Build the LLM tier from config (called by wiring only when ``[llm] enabled = true``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from prometheus_client import CollectorRegistry

from ...config import Config
from ...core.rules import Rule, prompt_context
from ...errors import ConfigError
from ..store import Store
from .attachments import TextExtractor
from .client import LlmClient
from .files import SchemaBook, load_templates
from .ledger import Ledger
from .metrics import LlmMetrics
from .tier import LlmTier


def _resolve(config: Config, path: Path | None) -> Path | None:
    if path is None or path.is_absolute() or config.source_path is None:
        return path
    return Path(config.source_path).resolve().parent / path


def build_llm(config: Config, store: Store, registry: CollectorRegistry,
              model_labels: Callable[[], Sequence[str]],
              rules: Callable[[], Sequence[Rule]] = tuple) -> LlmTier | None:
    """The LLM tier, or ``None`` when disabled. Raises ConfigError on a bad key or file."""
    cfg = config.llm
    if not cfg.enabled:
        return None
    api_key = None
    if cfg.api_key is not None:
        try:
            api_key = cfg.api_key.reveal().get_secret_value()
        except ValueError as exc:
            where = config.source_path or "config.toml"
            raise ConfigError(f"{where}: llm.api_key: {exc}") from None
    templates = load_templates(_resolve(config, cfg.prompts_dir))
    metrics = LlmMetrics(registry)
    client = LlmClient(cfg.base_url, cfg.model, api_key, timeout=cfg.timeout_seconds,
                       max_retries=cfg.max_retries, max_tokens=cfg.max_tokens)
    schemas = SchemaBook(Path(config.rules.dir) / "schemas")
    if schemas.error:
        raise ConfigError(schemas.error)
    categories = list(cfg.categories)
    return LlmTier(
        config=cfg, client=client, ledger=Ledger(store), metrics=metrics,
        templates=templates, labels=(lambda: categories) if categories else model_labels,
        schemas=schemas, extractor=TextExtractor(cfg.attachments, metrics),
        descriptions=cfg.descriptions,
        context=lambda message: {**cfg.context.get("*", {}),
                                 **cfg.context.get(message.mailbox, {}),
                                 **prompt_context(message, rules())},
    )
