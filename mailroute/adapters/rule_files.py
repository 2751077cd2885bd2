"""Rules on disk: ``rules/*.toml`` in file-name order, reloaded when they change.

An edit is validated before it takes effect; an invalid edit is refused and logged
while the rules already in force stay in force.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Callable
from pathlib import Path

from ..core.rules import Rule, compile_rules
from ..errors import RuleError

log = logging.getLogger("mailroute.rules")

TEMPLATES_DIR = "templates"


def rule_paths(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.toml") if p.is_file())


def template_exists(directory: Path, name: str) -> bool:
    """A reply template ``name`` is ``rules/templates/name.*`` (e.g. ``ack.txt.j2``)."""
    base = Path(directory) / TEMPLATES_DIR
    if "/" in name or name.startswith("."):
        return False
    return any(p.name.split(".", 1)[0] == name for p in base.glob(f"{name}.*"))


def webhooks_of(config) -> Callable[[str], bool]:
    """The ``webhooks`` predicate for :func:`load_rules`: is ``[webhooks.NAME]`` configured?"""
    names = frozenset(config.webhooks)
    return lambda name: name in names


def load_rules(directory: Path,
               webhooks: Callable[[str], bool] | None = None) -> tuple[Rule, ...]:
    """Read, validate and compile every rule file. Raises RuleError listing all problems.

    ``webhooks`` tells whether a webhook name is configured; ``None`` skips that check
    (no config at hand)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleError([f"{directory}: rules folder not found"])
    tables, problems = [], []
    paths = rule_paths(directory)
    if not paths:
        raise RuleError([f"{directory}: no *.toml rule files"])
    for path in paths:
        label = str(path)
        try:
            tables.append((label, tomllib.loads(path.read_text(encoding="utf-8"))))
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{label}: not valid TOML: {exc}")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{label}: cannot read: {exc}")
    try:
        rules = compile_rules(tables, templates=lambda name: template_exists(directory, name),
                              webhooks=webhooks)
    except RuleError as exc:
        problems.extend(exc.problems)
        raise RuleError(problems) from None
    if problems:
        raise RuleError(problems)
    return rules


def _fingerprint(directory: Path) -> tuple:
    items = []
    for path in [*rule_paths(directory), *sorted((Path(directory) / TEMPLATES_DIR).glob("*"))]:
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        items.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(items)


class RuleBook:
    """The rules in force, swapped atomically when a valid edit lands."""

    def __init__(self, directory: Path, on_reload=None,
                 webhooks: Callable[[str], bool] | None = None):
        self.directory = Path(directory)
        self.webhooks = webhooks  # a rule naming an unconfigured webhook is refused
        self._lock = threading.Lock()
        self._on_reload = on_reload or (lambda ok, count: None)
        self._fingerprint = _fingerprint(self.directory)
        self._rules = load_rules(self.directory, self.webhooks)
        self.last_error = ""
        self._on_reload(True, len(self._rules))

    def current(self) -> tuple[Rule, ...]:
        return self._rules

    def maybe_reload(self, force: bool = False) -> bool:
        """Reload when a file changed (or ``force``). Returns True when new rules took effect."""
        with self._lock:
            fingerprint = _fingerprint(self.directory)
            if fingerprint == self._fingerprint and not force:
                return False
            self._fingerprint = fingerprint
            try:
                rules = load_rules(self.directory, self.webhooks)
            except RuleError as exc:
                self.last_error = str(exc)
                log.error(
                    "rule edit refused; previous rules stay in force",
                    extra={"fields": {"problems": " | ".join(exc.problems)}},
                )
                self._on_reload(False, len(self._rules))
                return False
            self._rules = rules
            self.last_error = ""
            log.info("rules reloaded", extra={"fields": {"rules": len(rules)}})
            self._on_reload(True, len(rules))
            return True
