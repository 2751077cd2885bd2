"""Secrets come from the environment or a file, never from the TOML itself."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import SecretStr, model_validator

from .base import Section


class Secret(Section):
    """Where a secret lives: ``{ env = "NAME" }`` or ``{ file = "/run/secrets/name" }``.

    The value is read on every :meth:`reveal` call, so rotated files are picked up on
    reconnect. It is never part of the model's repr, logs or the store.
    """

    env: str | None = None
    file: Path | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Secret:
        if (self.env is None) == (self.file is None):
            raise ValueError("give exactly one of env = \"VAR\" or file = \"path\"")
        return self

    def reveal(self) -> SecretStr:
        """Read the secret now. Raises ValueError naming the variable or file, not the value."""
        if self.env is not None:
            value = os.environ.get(self.env)
            if value is None:
                raise ValueError(f"environment variable {self.env} is not set")
            return SecretStr(value)
        assert self.file is not None
        try:
            return SecretStr(self.file.read_text(encoding="utf-8").strip())
        except OSError as exc:
            raise ValueError(f"cannot read secret file {self.file}: {exc.strerror}") from None

    def describe(self) -> str:
        return f"env:{self.env}" if self.env else f"file:{self.file}"
