"""Prompt templates and extraction schemas on disk.

Templates: ``mailroute/prompts/{classify,summary,extract}.j2`` (or ``[llm] prompts_dir``).
Schemas: ``rules/schemas/*.toml``, re-read when a file changes, like the rules.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from pathlib import Path

from ...core.fields import ExtractionSchema, parse_schema
from ...core.llm_prompt import PromptTemplate
from ...errors import ConfigError

log = logging.getLogger("mailroute.llm")

PACKAGE_PROMPTS = Path(__file__).resolve().parent.parent.parent / "prompts"
PURPOSES = ("classify", "summary", "extract")


def load_templates(directory: Path | None = None) -> dict[str, PromptTemplate]:
    """Every prompt template, or ConfigError naming the missing or broken file."""
    directory = Path(directory) if directory else PACKAGE_PROMPTS
    out = {}
    for purpose in PURPOSES:
        path = directory / f"{purpose}.j2"
        try:
            out[purpose] = PromptTemplate.parse(purpose, path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read prompt template: {exc.strerror}") from None
        except ValueError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return out


def load_schemas(directory: Path) -> dict[str, ExtractionSchema]:
    """Every ``*.toml`` in ``directory``; raises ConfigError listing file and key."""
    schemas, problems = {}, []
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
            schemas[path.stem] = parse_schema(path.stem, table, str(path))
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{path}: not valid TOML: {exc}")
        except (OSError, ValueError) as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(problems))
    return schemas


class SchemaBook:
    """The schemas in force; an invalid edit is refused and logged, the old ones stay."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._stamp: tuple = ()
        self._schemas: dict[str, ExtractionSchema] = {}
        self.error = ""
        self()

    def _mtimes(self) -> tuple:
        try:
            return tuple((p.name, p.stat().st_mtime_ns)
                         for p in sorted(self.directory.glob("*.toml")))
        except OSError:
            return ()

    def __call__(self) -> dict[str, ExtractionSchema]:
        with self._lock:
            stamp = self._mtimes()
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._schemas = load_schemas(self.directory)
                    self.error = ""
                except ConfigError as exc:
                    self.error = str(exc)
                    log.error("extraction schemas refused", extra={"fields": {"error": str(exc)}})
            return self._schemas
