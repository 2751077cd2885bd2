"""Read ``config.toml``, validate it, and turn every problem into one clear ConfigError."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ConfigError
from .schema import Config

# Keys whose values must never be written in the file itself.
_SECRET_KEYS = {"password", "api_key", "secret", "token", "client_secret"}


def _loc(parts: tuple[Any, ...]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("maildir", "imap", "ews", "graph") and out.startswith("mailboxes"):
            continue  # the discriminator tag pydantic adds to union errors
        else:
            out += ("." if out else "") + str(part)
    return out


def _inline_secrets(data: Any, path: str = "") -> list[str]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else key
            if key in _SECRET_KEYS and isinstance(value, str):
                found.append(where)
            found.extend(_inline_secrets(value, where))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            found.extend(_inline_secrets(item, f"{path}[{i}]"))
    return found




def _absolute(model: Any, base: Path) -> Any:
    """Every relative path in the config, at any depth, made relative to the file's folder."""
    if isinstance(model, Path):
        return model if model.is_absolute() else base / model
    if isinstance(model, list):
        return [_absolute(item, base) for item in model]
    if isinstance(model, dict):
        return {key: _absolute(value, base) for key, value in model.items()}
    if isinstance(model, BaseModel):
        updates = {}
        for name in type(model).model_fields:
            value = getattr(model, name)
            fixed = _absolute(value, base)
            if fixed is not value:
                updates[name] = fixed
        return model.model_copy(update=updates) if updates else model
    return model


def parse_config(
    data: dict[str, Any], source: str = "config.toml", base: Path | None = None
) -> Config:
    """Validate an already-parsed TOML table. ``source`` names the file in errors."""
    inline = _inline_secrets(data)
    if inline:
        keys = ", ".join(inline)
        raise ConfigError(
            f"{source}: {keys}: secrets may not be written in the config file; "
            'use { env = "VARIABLE" } or { file = "/path/to/secret" }'
        )
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] == "missing":
                msg = "required key is missing"
            elif "input" in err and not isinstance(err["input"], dict | list):
                msg = f"{msg} (got {err['input']!r})"
            loc = _loc(err["loc"])
            lines.append(f"{source}: {loc}: {msg}" if loc else f"{source}: {msg}")
        raise ConfigError("\n".join(lines)) from None
    base = base or Path.cwd()
    return _absolute(config, base).model_copy(update={"source_path": Path(source)})


def load_config(path: str | Path) -> Config:
    """Load and validate ``path``. Raises :class:`ConfigError` with file and key on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, str(path), path.resolve().parent)
