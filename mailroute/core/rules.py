"""The rule language: ordered rules with conditions and actions, validated and compiled.

Rules are data. Loading them from files is the rule_files adapter's job; this module
only turns parsed TOML tables into compiled, immutable rules and explains matches.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import RuleError
from .classify import Classification
from .fields import FieldValue, check_condition, field_matches
from .message import Message

ACTION_KINDS = ("move", "copy", "tag", "forward", "reply", "exceptions", "webhook")
TERMINAL_KINDS = ("move", "exceptions")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

StrList = str | list[str]


def _as_list(value: StrList | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class When(BaseModel):
    """Conditions of a rule; every key given must hold (``any`` and ``not`` compose)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    category: StrList | None = None
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    max_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    from_: StrList | None = Field(default=None, alias="from")
    to: StrList | None = None
    subject: str | None = None
    body: str | None = None
    headers: dict[str, str] | None = None
    has_attachment: bool | None = None
    attachment_type: StrList | None = None
    attachment_name: StrList | None = None
    mailbox: StrList | None = None
    language: StrList | None = None
    fields: dict[str, str] | None = None
    """Extracted fields: ``{ amount = "> 10000", currency = "EUR", iban = "is invalid" }``."""
    any: list[When] | None = None
    not_: When | None = Field(default=None, alias="not")

    @field_validator("subject", "body")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        return value

    @field_validator("fields")
    @classmethod
    def _field_conditions(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for name, expr in (value or {}).items():
            try:
                check_condition(expr)
            except ValueError as exc:
                raise ValueError(f"field {name!r}: {exc}") from None
        return value

    @field_validator("headers")
    @classmethod
    def _header_regexes(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for name, pattern in (value or {}).items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"header {name!r}: invalid regular expression: {exc}") from None
        return value


class RuleSpec(BaseModel):
    """One ``[[rule]]`` table as an admin writes it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    default: bool = False
    when: When = Field(default_factory=When)
    actions: list[dict[str, Any]] = Field(default_factory=list)
    continue_: bool = Field(default=False, alias="continue")
    summary: bool = False
    """Ask the LLM tier for a summary (stored, and put into forwards) when this rule matches."""
    context: dict[str, str] = Field(default_factory=dict)
    """Trusted facts for the LLM's prompts (e.g. department, customer tier) when this rule's
    conditions hold; a rule with only ``context`` takes no part in routing."""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing to do with a message. ``target`` is a folder, tag, template or reason."""

    kind: str
    target: str = ""
    to: tuple[str, ...] = ()
    mode: str = ""
    rule: str = ""

    @property
    def terminal(self) -> bool:
        return self.kind in TERMINAL_KINDS

    def describe(self) -> str:
        if self.kind == "forward":
            return f"forward({self.mode}) to {', '.join(self.to)}"
        return f"{self.kind} {self.target}".strip()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "target": self.target, "rule": self.rule}
        if self.to:
            out["to"] = list(self.to)
        if self.mode:
            out["mode"] = self.mode
        return out


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one condition, for ``rules test`` and the audit trail."""

    condition: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Rule:
    """A compiled rule: ``matches`` is pure and explains itself."""

    name: str
    source: str
    actions: tuple[Action, ...]
    default: bool = False
    continue_: bool = False
    description: str = ""
    when: When = field(default_factory=When)
    summary: bool = False
    context: Mapping[str, str] = field(default_factory=dict)

    def uses_category(self) -> bool:
        return _uses_category(self.when)

    @property
    def context_only(self) -> bool:
        """A rule that only adds prompt context: it never routes a message."""
        return not self.actions and bool(self.context)


@dataclass(frozen=True, slots=True)
class Context:
    """What conditions are evaluated against."""

    message: Message
    classification: Classification | None
    threshold: float
    fields: Mapping[str, FieldValue] = field(default_factory=dict)


def _uses_category(when: When) -> bool:
    if when.category is not None:
        return True
    return any(_uses_category(w) for w in when.any or []) or (
        when.not_ is not None and _uses_category(when.not_)
    )


def _needs_classification(when: When) -> bool:
    """Conditions only known after classification and extraction (prompt context comes first)."""
    if (when.category is not None or when.fields is not None
            or when.min_confidence is not None or when.max_confidence is not None):
        return True
    return any(_needs_classification(w) for w in when.any or []) or (
        when.not_ is not None and _needs_classification(when.not_)
    )


def prompt_context(message: Message, rules: Sequence[Rule]) -> dict[str, str]:
    """The ``context`` of every rule whose conditions hold for ``message``, in rule order
    (a later rule's key wins). Evaluated before classification, for the LLM's prompts."""
    ctx = Context(message, None, 1.0)
    out: dict[str, str] = {}
    for rule in rules:
        if rule.context and all(c.ok for c in evaluate(rule.when, ctx)):
            out.update(rule.context)
    return out


def _glob_any(patterns: list[str], values: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(v.lower(), p.lower()) for p in patterns for v in values)


def _address_globs(patterns: list[str], emails: Sequence[str]) -> bool:
    """``*@bank.nl`` matches addresses; a pattern without ``@`` matches the domain."""
    for pattern in patterns:
        pattern = pattern.lower()
        for email in emails:
            subject = email if "@" in pattern else email.rpartition("@")[2]
            if fnmatch.fnmatchcase(subject, pattern):
                return True
    return False


def _search(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE | re.MULTILINE) is not None


def _confidence(ctx: Context) -> float:
    return ctx.classification.confidence if ctx.classification else 0.0


def evaluate(when: When, ctx: Context) -> list[Check]:
    """Every condition of ``when`` with its result, in a stable order."""
    msg, checks = ctx.message, []
    add = checks.append
    cls = ctx.classification
    if when.category is not None:
        wanted = _as_list(when.category)
        floor = when.min_confidence if when.min_confidence is not None else ctx.threshold
        if cls is None:
            add(Check("category", False, "message was not classified"))
        elif cls.label not in wanted:
            add(Check("category", False, f"category is {cls.label}, not {' or '.join(wanted)}"))
        elif cls.confidence < floor:
            add(Check("category", False, f"{cls.label} at {cls.confidence:.2f} < {floor:.2f}"))
        else:
            add(Check("category", True, f"{cls.label} at {cls.confidence:.2f} >= {floor:.2f}"))
    elif when.min_confidence is not None:
        ok = _confidence(ctx) >= when.min_confidence
        add(Check("min_confidence", ok, f"{_confidence(ctx):.2f} vs {when.min_confidence:.2f}"))
    if when.max_confidence is not None:
        ok = _confidence(ctx) <= when.max_confidence
        add(Check("max_confidence", ok, f"{_confidence(ctx):.2f} vs {when.max_confidence:.2f}"))
    if when.from_ is not None:
        sender = [msg.from_.email] if msg.from_ else []
        add(Check("from", _address_globs(_as_list(when.from_), sender), ", ".join(sender) or "-"))
    if when.to is not None:
        rcpt = [a.email for a in msg.recipients]
        add(Check("to", _address_globs(_as_list(when.to), rcpt), ", ".join(rcpt) or "-"))
    if when.subject is not None:
        add(Check("subject", _search(when.subject, msg.subject), repr(msg.subject[:80])))
    if when.body is not None:
        add(Check("body", _search(when.body, msg.body), f"/{when.body}/"))
    for name, pattern in (when.headers or {}).items():
        values = msg.header_values(name)
        ok = any(_search(pattern, v) for v in values)
        add(Check(f"headers.{name}", ok, repr(values[0][:80]) if values else "absent"))
    if when.has_attachment is not None:
        has = bool(msg.attachments)
        add(Check("has_attachment", has == when.has_attachment, f"{len(msg.attachments)} found"))
    if when.attachment_type is not None:
        types = [a.content_type for a in msg.attachments] + [a.extension for a in msg.attachments]
        add(Check("attachment_type", _glob_any(_as_list(when.attachment_type), types),
                  ", ".join(types) or "none"))
    if when.attachment_name is not None:
        names = [a.filename for a in msg.attachments]
        add(Check("attachment_name", _glob_any(_as_list(when.attachment_name), names),
                  ", ".join(names) or "none"))
    if when.mailbox is not None:
        add(Check("mailbox", _glob_any(_as_list(when.mailbox), [msg.mailbox]), msg.mailbox))
    if when.language is not None:
        lang = msg.language or "?"
        add(Check("language", lang in _as_list(when.language), lang))
    for name, expr in (when.fields or {}).items():
        ok, detail = field_matches(expr, ctx.fields.get(name))
        add(Check(f"fields.{name}", ok, detail))
    if when.any is not None:
        results = [all(c.ok for c in evaluate(w, ctx)) for w in when.any]
        add(Check("any", any(results), f"{sum(results)} of {len(results)} alternatives hold"))
    if when.not_ is not None:
        inner = all(c.ok for c in evaluate(when.not_, ctx))
        add(Check("not", not inner, "inner conditions hold" if inner else "inner conditions fail"))
    return checks


# ---- compiling specs into rules -------------------------------------------------------------

def _compile_action(raw: Mapping[str, Any], rule: str, where: str) -> Action:
    verbs = [k for k in raw if k in ACTION_KINDS]
    if len(verbs) != 1:
        raise ValueError(
            f"{where}: an action needs exactly one of {', '.join(ACTION_KINDS)}; got {sorted(raw)}"
        )
    kind = verbs[0]
    extra = set(raw) - {kind}
    allowed = {"forward": {"mode"}}.get(kind, set())
    if extra - allowed:
        unknown = ", ".join(sorted(extra - allowed))
        raise ValueError(f"{where}: unknown key(s) for {kind}: {unknown}")
    value = raw[kind]
    if kind == "forward":
        to = _as_list(value) if isinstance(value, str | list) else None
        if not to or not all(isinstance(a, str) and _EMAIL.match(a) for a in to):
            raise ValueError(f"{where}: forward needs one or more e-mail addresses, got {value!r}")
        mode = raw.get("mode", "attachment")
        if mode not in ("attachment", "inline"):
            raise ValueError(
                f"{where}: forward.mode must be 'attachment' or 'inline', not {mode!r}"
            )
        return Action("forward", to=tuple(a.lower() for a in to), mode=mode, rule=rule)
    if kind == "webhook":
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_\-]+", value):
            raise ValueError(f"{where}: webhook takes the name of a [webhooks.NAME] endpoint, "
                             f"got {value!r}")
        return Action("webhook", target=value, rule=rule)
    if kind == "exceptions":
        if value is True:
            value = f"rule {rule}"
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: exceptions takes a reason text (or true)")
        return Action("exceptions", target=value.strip(), rule=rule)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {kind} needs a non-empty text, got {value!r}")
    if kind in ("move", "copy") and (".." in value.split("/") or value.startswith("/")):
        raise ValueError(f"{where}: {kind} folder {value!r} must be a relative folder name")
    if kind == "tag" and not re.fullmatch(r"[$\w][\w.\-]*", value):
        raise ValueError(f"{where}: tag {value!r} may hold letters, digits, '_', '-', '.' only")
    return Action(kind, target=value.strip(), rule=rule)


def _format_validation(exc: ValidationError, where: str) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if p != "__root__")
        loc = loc.replace("from_", "from").replace("not_", "not").replace("continue_", "continue")
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        problems.append(f"{where}: {loc}: {msg}" if loc else f"{where}: {msg}")
    return problems


def compile_rules(
    tables: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    templates: Callable[[str], bool] | None = None,
    webhooks: Callable[[str], bool] | None = None,
) -> tuple[Rule, ...]:
    """Validate and compile ``(source name, parsed TOML)`` pairs, in order.

    Raises :class:`RuleError` listing every problem with file, rule and key.
    ``templates`` tells whether a reply template exists; ``webhooks`` whether a
    ``[webhooks.NAME]`` endpoint is configured (``None``: not checked).
    """
    problems: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for source, table in tables:
        unknown = set(table) - {"rule"}
        for key in sorted(unknown):
            problems.append(f"{source}: {key}: unknown top-level key (rules are [[rule]] tables)")
        specs = table.get("rule", [])
        if not isinstance(specs, list):
            problems.append(f"{source}: rule: must be an array of tables ([[rule]])")
            continue
        for index, raw in enumerate(specs, start=1):
            label = raw.get("name") if isinstance(raw, dict) else None
            where = f"{source}: rule {label!r}" if label else f"{source}: rule #{index}"
            try:
                spec = RuleSpec.model_validate(raw)
            except ValidationError as exc:
                problems.extend(_format_validation(exc, where))
                continue
            if spec.name in seen:
                problems.append(f"{where}: name: already used in {seen[spec.name]}")
            seen[spec.name] = source
            actions = []
            for n, action in enumerate(spec.actions, start=1):
                try:
                    actions.append(_compile_action(action, spec.name, f"{where}: actions[{n}]"))
                except ValueError as exc:
                    problems.append(str(exc))
                    continue
                if actions[-1].kind == "reply" and templates and not templates(actions[-1].target):
                    problems.append(
                        f"{where}: actions[{n}]: reply template {actions[-1].target!r} not found"
                    )
                if actions[-1].kind == "webhook" and webhooks and not webhooks(actions[-1].target):
                    name = actions[-1].target
                    problems.append(f"{where}: actions[{n}]: webhook {name!r}: "
                                    f"no [webhooks.{name}] in the config")
            if sum(a.terminal for a in actions) > 1:
                problems.append(f"{where}: actions: at most one move or exceptions per rule")
            if not spec.actions and not spec.context:
                problems.append(f"{where}: actions: a rule needs actions (or only a context)")
            if spec.context and _needs_classification(spec.when):
                problems.append(
                    f"{where}: context: prompt context is decided before classification, so its "
                    "rule may not test category, confidence or fields"
                )
            if spec.context and spec.default:
                problems.append(f"{where}: context: the default rule takes no context")
            if spec.default and spec.when != When():
                problems.append(f"{where}: when: the default rule takes no conditions")
            if spec.default and spec.continue_:
                problems.append(f"{where}: continue: the default rule cannot continue")
            rules.append(
                Rule(spec.name, source, tuple(actions), spec.default, spec.continue_,
                     spec.description, spec.when, spec.summary, spec.context)
            )
    defaults = [r for r in rules if r.default]
    if not defaults and not problems:
        problems.append("no default rule: add one [[rule]] with default = true (it runs last)")
    if len(defaults) > 1:
        names = ", ".join(f"{r.name!r} in {r.source}" for r in defaults)
        problems.append(f"more than one default rule: {names}")
    elif defaults and rules[-1] is not defaults[0] and not problems:
        problems.append(
            f"{defaults[0].source}: rule {defaults[0].name!r}: the default rule must be the last "
            "rule (put it in the last file, e.g. 99-default.toml)"
        )
    if problems:
        raise RuleError(problems)
    return tuple(rules)
