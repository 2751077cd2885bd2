"""Typed configuration: one schema, loaded from ``config.toml`` and validated at start."""

from .load import load_config
from .schema import Config
from .secrets import Secret

__all__ = ["Config", "Secret", "load_config"]
